package io.coxswain.store;

import java.nio.charset.StandardCharsets;

/** The rules every implementation applies to keys and values before touching storage. */
public final class Keys {

    /** etcd's default request limit; Kubernetes objects stay well below it. */
    public static final int MAX_VALUE_BYTES = 3 * 512 * 1024;
    public static final int MAX_KEY_BYTES = 1024;

    private Keys() {
    }

    public static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidKeyException("a key must not be empty");
        }
        if (!key.startsWith("/")) {
            throw new InvalidKeyException("key \"" + key + "\" must start with '/'");
        }
        if (key.indexOf('\0') >= 0) {
            throw new InvalidKeyException("key \"" + key.replace("\0", "\\0") + "\" must not contain a NUL character");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new InvalidKeyException("key is longer than " + MAX_KEY_BYTES + " bytes");
        }
    }

    /** A prefix follows the key rules and, so that /registry/pods/ never sees /registry/podsx, ends with '/'. */
    public static void checkPrefix(String prefix) {
        checkKey(prefix);
        if (!prefix.endsWith("/")) {
            throw new InvalidKeyException("prefix \"" + prefix + "\" must end with '/'");
        }
    }

    public static void checkValue(String key, byte[] value) {
        if (value == null) {
            throw new InvalidKeyException("value of " + key + " must not be null");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new ValueTooLargeException(key, value.length, MAX_VALUE_BYTES);
        }
    }

    /** The smallest key after every key with this prefix (etcd's range end). */
    public static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    }
}
