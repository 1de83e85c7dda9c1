package io.coxswain.store.embedded;

import io.coxswain.store.CompactedException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * Fans committed events out to watchers, grouped by prefix. Registration and publication share one lock,
 * so a new watcher gets the history up to now and then every later event, with no gap and no duplicate.
 */
final class WatcherHub {

    private final Map<String, CopyOnWriteArrayList<Watcher>> byPrefix = new ConcurrentHashMap<>();
    private final EventHistory history;
    private final Executor executor;
    private final int watcherCapacity;
    private long currentRevision;
    private long compactRevision;

    WatcherHub(EventHistory history, Executor executor, int watcherCapacity) {
        this.history = history;
        this.executor = executor;
        this.watcherCapacity = watcherCapacity;
    }

    synchronized void restore(long currentRevision, long compactRevision) {
        this.currentRevision = currentRevision;
        this.compactRevision = compactRevision;
    }

    synchronized void publish(List<WatchEvent> events, long nowMillis) {
        for (WatchEvent event : events) {
            history.add(event, nowMillis);
            currentRevision = event.revision();
            String key = event.kv().key();
            for (Map.Entry<String, CopyOnWriteArrayList<Watcher>> e : byPrefix.entrySet()) {
                if (key.startsWith(e.getKey())) {
                    for (Watcher w : e.getValue()) {
                        w.offer(event);
                    }
                }
            }
        }
    }

    synchronized void compacted(long revision) {
        compactRevision = Math.max(compactRevision, revision);
        history.dropBefore(revision);
    }

    /** The oldest revision a watch may start from: the compaction's, or the start of the history kept. */
    synchronized long oldestWatchable() {
        long oldest = history.oldestRevision();
        return Math.max(compactRevision, oldest == 0 ? currentRevision + 1 : oldest);
    }

    synchronized Watch register(String prefix, long fromRevision, WatchListener listener) {
        long from = fromRevision <= 0 ? currentRevision + 1 : fromRevision;
        Watcher watcher = new Watcher(prefix, from, listener, executor, watcherCapacity, () -> remove(prefix));
        if (from <= currentRevision && from < oldestWatchable()) {
            watcher.fail(new CompactedException(from, oldestWatchable()));
            return watcher;
        }
        watcher.replay(history.since(from).stream().filter(e -> e.kv().key().startsWith(prefix)).toList());
        byPrefix.computeIfAbsent(prefix, p -> new CopyOnWriteArrayList<>()).add(watcher);
        return watcher;
    }

    private void remove(String prefix) {
        CopyOnWriteArrayList<Watcher> list = byPrefix.get(prefix);
        if (list != null) {
            list.removeIf(Watcher::isClosed);
        }
    }

    int watcherCount() {
        return byPrefix.values().stream().mapToInt(List::size).sum();
    }
}
