package io.coxswain.store;

/** An update or delete named a key that does not exist. */
public final class KeyNotFoundException extends StoreException {
    public KeyNotFoundException(String key) {
        super("key " + key + " not found");
    }
}
