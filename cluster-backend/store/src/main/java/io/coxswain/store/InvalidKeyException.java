package io.coxswain.store;

/** A key that is empty or malformed, or a continue token that is not one of ours. */
public final class InvalidKeyException extends StoreException {
    public InvalidKeyException(String message) {
        super(message);
    }
}
