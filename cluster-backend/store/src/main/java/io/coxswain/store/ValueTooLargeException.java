package io.coxswain.store;

/** A value larger than the store accepts (1.5 MiB, etcd's default request limit). */
public final class ValueTooLargeException extends StoreException {
    public ValueTooLargeException(String key, int size, int limit) {
        super("value of " + key + " is " + size + " bytes; the limit is " + limit);
    }
}
