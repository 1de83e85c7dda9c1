package io.coxswain.apiserver.watch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Remembers the last few results of an expensive conversion by the identity of its input. Every watcher of
 * a prefix receives the same store event object, so 1,000 watchers decode and serialize an event once, not
 * 1,000 times. Results are shared: callers must not change them.
 */
public final class SharedDecoding<K, V> {

    private record Identity(Object value, Object variant) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.value == value && java.util.Objects.equals(other.variant, variant);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(value) * 31 + java.util.Objects.hashCode(variant);
        }
    }

    private final Map<Identity, V> recent;

    public SharedDecoding(int size) {
        this.recent = new LinkedHashMap<>(size * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Identity, V> eldest) {
                return size() > size;
            }
        };
    }

    public V get(K key, Object variant, Function<K, V> convert) {
        Identity id = new Identity(key, variant);
        synchronized (recent) {
            V hit = recent.get(id);
            if (hit != null) {
                return hit;
            }
        }
        V value = convert.apply(key);
        synchronized (recent) {
            recent.put(id, value);
        }
        return value;
    }
}
