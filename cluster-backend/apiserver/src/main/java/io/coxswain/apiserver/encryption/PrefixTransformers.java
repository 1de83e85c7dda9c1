package io.coxswain.apiserver.encryption;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code value.NewPrefixTransformers}: the providers of one resource in the order of the configuration. The first
 * one writes, with its prefix ({@code k8s:enc:aesgcm:v1:<key name>:}); a read tries each provider whose prefix the value
 * starts with, so that old keys still read during a rotation. The identity provider has no prefix and reads anything
 * that is not {@code k8s:enc:}, so a cluster can move to and from encryption.
 */
public final class PrefixTransformers {

    static final byte[] ENCRYPTED = "k8s:enc:".getBytes(StandardCharsets.US_ASCII);

    record Prefixed(byte[] prefix, ValueTransformer transformer) {
        /** Its name in logs and errors: the prefix, or identity. */
        String name() {
            return prefix.length == 0 ? "identity" : new String(prefix, StandardCharsets.US_ASCII);
        }
    }

    private final List<Prefixed> transformers;

    PrefixTransformers(List<Prefixed> transformers) {
        if (transformers.isEmpty()) {
            throw new IllegalArgumentException("at least one provider is required");
        }
        this.transformers = List.copyOf(transformers);
    }

    /** Identity first and only: what a resource that no configuration names gets. */
    static final ValueTransformer IDENTITY = new ValueTransformer() {
        @Override
        public byte[] toStorage(byte[] plain, byte[] authenticatedData) {
            return plain;
        }

        @Override
        public byte[] fromStorage(byte[] stored, byte[] authenticatedData) {
            if (startsWith(stored, ENCRYPTED)) {
                throw new ValueTransformer.TransformException("identity transformer tried to read encrypted data");
            }
            return stored;
        }
    };

    /** The name of the provider that writes, as {@code k8s:enc:aesgcm:v1:key1:} or identity. */
    public String writer() {
        return transformers.get(0).name();
    }

    /** Whether a stored value is in another form than the first provider writes: kube's stale read, to be written again. */
    boolean stale(byte[] stored) {
        byte[] writer = transformers.get(0).prefix();
        return writer.length == 0 ? startsWith(stored, ENCRYPTED) : !startsWith(stored, writer);
    }

    public byte[] toStorage(byte[] plain, byte[] authenticatedData) {
        Prefixed first = transformers.get(0);
        byte[] body = first.transformer().toStorage(plain, authenticatedData);
        if (first.prefix().length == 0) {
            return body;
        }
        byte[] out = new byte[first.prefix().length + body.length];
        System.arraycopy(first.prefix(), 0, out, 0, first.prefix().length);
        System.arraycopy(body, 0, out, first.prefix().length, body.length);
        return out;
    }

    /**
     * The value as it was written. A provider whose prefix matches but which fails (another key of the same name, say)
     * does not end the search, as in kube; when none reads it, the errors of those that tried are the reason.
     *
     * @throws ValueTransformer.TransformException when no provider reads it
     */
    public byte[] fromStorage(byte[] stored, byte[] authenticatedData) {
        List<String> errors = new ArrayList<>();
        for (Prefixed p : transformers) {
            if (!startsWith(stored, p.prefix())) {
                continue;
            }
            byte[] rest = java.util.Arrays.copyOfRange(stored, p.prefix().length, stored.length);
            try {
                return p.transformer().fromStorage(rest, authenticatedData);
            } catch (ValueTransformer.TransformException e) {
                if (p.prefix().length > 0) { // identity's refusal of encrypted data only means "try the next one"
                    errors.add(e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ValueTransformer.TransformException(errors.size() == 1 ? errors.get(0) : errors.toString());
        }
        throw new ValueTransformer.TransformException("no matching prefix found");
    }

    static boolean startsWith(byte[] value, byte[] prefix) {
        if (value.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (value[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
