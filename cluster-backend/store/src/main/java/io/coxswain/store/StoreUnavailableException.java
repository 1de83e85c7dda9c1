package io.coxswain.store;

/** The store could not be reached or could not make a write durable; the write did not happen. */
public final class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
