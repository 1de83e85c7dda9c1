package io.coxswain.store;

/** A create found the key already there. */
public final class KeyExistsException extends StoreException {
    public KeyExistsException(String key) {
        super("key " + key + " already exists");
    }
}
