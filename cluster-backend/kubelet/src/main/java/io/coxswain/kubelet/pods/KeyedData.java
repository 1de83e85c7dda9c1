package io.coxswain.kubelet.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ConfigMap's or a Secret's keys as a pod consumes them: {@code values} feed env (a ConfigMap's data; a Secret's
 * data, base64-decoded) and {@code files} feed volumes (a ConfigMap's data and binaryData; a Secret's data). One shape,
 * so env and volumes treat both kinds with the same code and kube's messages.
 */
record KeyedData(Kind kind, String namespace, String name, Map<String, byte[]> values, Map<String, byte[]> files) {

    enum Kind {
        CONFIG_MAP("configmap", "ConfigMap"), SECRET("secret", "Secret");

        final String lower;
        final String title;

        Kind(String lower, String title) {
            this.lower = lower;
            this.title = title;
        }

        /** The API's NotFound message, which the kubelet passes on: {@code secret "db" not found}. */
        String notFound(String name) {
            return lower + " \"" + name + "\" not found";
        }
    }

    /** What a lookup answers: the object's keys, or null when it does not exist. */
    interface Lookup {
        KeyedData get(Kind kind, String namespace, String name);
    }

    static KeyedData of(ConfigMap cm) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, v) -> values.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, byte[]> files = new LinkedHashMap<>(values);
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
        }
        return new KeyedData(Kind.CONFIG_MAP, cm.getMetadata().getNamespace(), cm.getMetadata().getName(), values, files);
    }

    static KeyedData of(Secret s) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> values.put(k, Base64.getMimeDecoder().decode(v)));
        }
        if (s.getStringData() != null) {
            // the apiserver folds stringData into data; a server that did not is taken at its word
            s.getStringData().forEach((k, v) -> values.putIfAbsent(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return new KeyedData(Kind.SECRET, s.getMetadata().getNamespace(), s.getMetadata().getName(), values, values);
    }

    /** An env value: the key's bytes as UTF-8 text, or null when the key is missing. */
    String value(String key) {
        byte[] v = values.get(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** kube's message for a key that env names and the object lacks. */
    String missingKey(String key) {
        return "couldn't find key " + key + " in " + kind.title + " " + namespace + "/" + name;
    }

    /** kube's message for a key that a volume's items name and the object lacks. */
    String missingVolumeKey(String key) {
        return kind == Kind.SECRET ? "references non-existent secret key: " + key
                : "configmap references non-existent config key: " + key;
    }
}
