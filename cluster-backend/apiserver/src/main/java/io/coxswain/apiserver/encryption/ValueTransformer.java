package io.coxswain.apiserver.encryption;

/**
 * One way of keeping a stored value, as kube-apiserver's {@code value.Transformer}: what it writes under its prefix and
 * how it reads that back. {@code authenticatedData} is the storage key, so a value copied to another key does not read.
 */
interface ValueTransformer {

    byte[] toStorage(byte[] plain, byte[] authenticatedData);

    /** @throws TransformException when the value cannot be read back (a wrong key, a damaged value) */
    byte[] fromStorage(byte[] stored, byte[] authenticatedData);

    /** Why a stored value could not be read; the message says it as kube's transformers do. */
    final class TransformException extends RuntimeException {
        TransformException(String message) {
            super(message);
        }
    }
}
