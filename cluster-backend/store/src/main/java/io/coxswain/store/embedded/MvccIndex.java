package io.coxswain.store.embedded;

import io.coxswain.store.KeyValue;
import io.coxswain.store.Keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The in-memory multi-version index every read is served from. Only the commit thread writes it; reads at
 * any revision that is not compacted see a consistent snapshot without locks.
 */
final class MvccIndex {

    private final ConcurrentSkipListMap<String, KeyHistory> keys = new ConcurrentSkipListMap<>();

    KeyValue latest(String key) {
        KeyHistory h = keys.get(key);
        return h == null ? null : h.latest();
    }

    /** Records a version; a null {@code kv} records the key's deletion at {@code revision}. */
    void put(String key, long revision, KeyValue kv) {
        keys.compute(key, (k, h) -> (h == null ? KeyHistory.EMPTY : h).with(revision, kv));
    }

    /** One page of live keys under {@code prefix} from {@code startKey}, at {@code revision}. */
    Page range(String prefix, String startKey, long revision, int limit) {
        ConcurrentNavigableMap<String, KeyHistory> span = keys.subMap(startKey, true, Keys.prefixEnd(prefix), false);
        List<KeyValue> items = new ArrayList<>();
        long remaining = 0;
        for (Map.Entry<String, KeyHistory> e : span.entrySet()) {
            KeyValue kv = e.getValue().at(revision);
            if (kv == null) {
                continue;
            }
            if (limit <= 0 || items.size() < limit) {
                items.add(kv);
            } else {
                remaining++;
            }
        }
        return new Page(items, remaining);
    }

    long count(String prefix, long revision) {
        return range(prefix, prefix, revision, 0).items().size();
    }

    void compact(long revision) {
        for (Map.Entry<String, KeyHistory> e : keys.entrySet()) {
            KeyHistory compacted = e.getValue().compactedTo(revision);
            if (compacted == null) {
                keys.remove(e.getKey(), e.getValue());
            } else if (compacted != e.getValue()) {
                keys.replace(e.getKey(), e.getValue(), compacted);
            }
        }
    }

    record Page(List<KeyValue> items, long remaining) {
    }
}
