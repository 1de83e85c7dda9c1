package io.coxswain.apiserver.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * apimachinery's {@code IsConfigMapKey}: the keys of a Secret's or ConfigMap's data become file names in volumes and
 * names of environment variables, so they are limited to what is safe for both.
 */
final class ConfigKeys {

    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    /** DNS1123SubdomainMaxLength. */
    private static final int MAX_LENGTH = 253;

    private ConfigKeys() {
    }

    /** What is wrong with the key, in kube's words; empty when it is a valid key. */
    static List<String> problems(String key) {
        List<String> out = new ArrayList<>();
        if (key.length() > MAX_LENGTH) {
            out.add("must be no more than " + MAX_LENGTH + " characters");
        }
        if (!KEY.matcher(key).matches()) {
            out.add("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  "
                    + "or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
        }
        if (key.equals(".")) {
            out.add("must not be '.'");
        } else if (key.equals("..")) {
            out.add("must not be '..'");
        } else if (key.startsWith("..")) {
            out.add("must not start with '..'");
        }
        return out;
    }
}
