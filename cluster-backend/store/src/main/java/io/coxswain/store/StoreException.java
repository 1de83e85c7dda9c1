package io.coxswain.store;

/** Base of every failure the store reports. Each subclass is one case a caller handles differently. */
public abstract class StoreException extends RuntimeException {

    protected StoreException(String message) {
        super(message);
    }

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
