package io.coxswain.ls.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A bounded, thread-safe cache, least recently used out first. Keys are section texts. */
public final class LruCache<K, V> {

    private final Map<K, V> map;

    public LruCache(int capacity) {
        this.map = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cached value, or a new one; computed outside the lock, so two threads may compute the same value. */
    public V get(K key, Function<K, V> compute) {
        V value;
        synchronized (map) {
            value = map.get(key);
        }
        if (value == null) {
            value = compute.apply(key);
            synchronized (map) {
                map.put(key, value);
            }
        }
        return value;
    }
}
