package io.coxswain.apiserver.auth;

import io.coxswain.apiserver.watch.PrefixMirror;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What an authenticator needs of one kind of stored object, in memory: client-go's lister for the apiserver's own use,
 * so that authenticating a request never reads the store. A {@link PrefixMirror} of {@code prefix} that keeps what
 * {@code decode} makes of each value (null: not kept) by the key below the prefix ({@code ns/name}, or {@code name}).
 */
public final class StoreIndex<T> implements AutoCloseable, PrefixMirror.Sink {

    private final String prefix;
    private final Function<KeyValue, T> decode;
    private final Map<String, T> byKey = new ConcurrentHashMap<>();
    private final PrefixMirror mirror;

    public StoreIndex(Store store, String prefix, Function<KeyValue, T> decode) {
        this.prefix = prefix;
        this.decode = decode;
        this.mirror = new PrefixMirror(store, prefix, this);
    }

    /** The object at {@code prefix + key}, from memory; null when there is none (or it is not kept). */
    public T get(String key) {
        return byKey.get(key);
    }

    public boolean synced() {
        return mirror.synced();
    }

    /** Completes once the objects are listed and watched. */
    public CompletableFuture<Void> start() {
        return mirror.start();
    }

    @Override
    public void replace(List<KeyValue> items) {
        Map<String, T> fresh = new HashMap<>();
        for (KeyValue kv : items) {
            T value = decode.apply(kv);
            if (value != null) {
                fresh.put(suffix(kv.key()), value);
            }
        }
        byKey.keySet().retainAll(fresh.keySet());
        byKey.putAll(fresh);
    }

    @Override
    public void put(KeyValue kv) {
        T value = decode.apply(kv);
        if (value == null) {
            byKey.remove(suffix(kv.key()));
        } else {
            byKey.put(suffix(kv.key()), value);
        }
    }

    @Override
    public void delete(String key) {
        byKey.remove(suffix(key));
    }

    private String suffix(String key) {
        return key.substring(prefix.length());
    }

    @Override
    public void close() {
        mirror.close();
    }
}
