package io.coxswain.apiserver.auth;

import io.coxswain.store.KeyValue;
import io.coxswain.store.ListResult;
import io.coxswain.store.Store;
import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What an authenticator needs of one kind of stored object, in memory: client-go's informer cache for the apiserver's
 * own use, so that authenticating a request never reads the store. Lists everything under {@code prefix}, keeps what
 * {@code decode} makes of each value (null: not kept) by the key below the prefix ({@code ns/name}, or {@code name}),
 * then watches from the revision after the list; a failed watch lists again after a pause. An index that derives more
 * from its objects (the node graph's edges) follows each change with {@link #onChange}.
 */
public final class StoreIndex<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreIndex.class);

    private final Store store;
    private final String prefix;
    private final Function<KeyValue, T> decode;
    private final Map<String, T> byKey = new ConcurrentHashMap<>();
    /** Told (before, after) of each kept object that changes, null for none; under the index's lock. */
    private volatile java.util.function.BiConsumer<T, T> changes = (before, after) -> {
    };
    private volatile Watch watch;
    private volatile boolean synced;
    private volatile boolean closed;

    public StoreIndex(Store store, String prefix, Function<KeyValue, T> decode) {
        this.store = store;
        this.prefix = prefix;
        this.decode = decode;
    }

    /** Follows every change of a kept object, the relists' included: (before, after), either null. Set before start. */
    public StoreIndex<T> onChange(java.util.function.BiConsumer<T, T> listener) {
        this.changes = listener;
        return this;
    }

    /** The object at {@code prefix + key}, from memory; null when there is none (or it is not kept). */
    public T get(String key) {
        return byKey.get(key);
    }

    public boolean synced() {
        return synced && !closed;
    }

    /** Completes once the objects are listed and watched. */
    public CompletableFuture<Void> start() {
        return listAll(null, new ArrayList<>()).thenAccept(result -> {
            Map<String, T> fresh = new HashMap<>();
            for (KeyValue kv : result.items()) {
                T value = decode.apply(kv);
                if (value != null) {
                    fresh.put(suffix(kv.key()), value);
                }
            }
            synchronized (byKey) {
                for (var gone : new ArrayList<>(byKey.keySet())) {
                    if (!fresh.containsKey(gone)) {
                        changes.accept(byKey.remove(gone), null);
                    }
                }
                fresh.forEach((k, v) -> changes.accept(byKey.put(k, v), v));
            }
            watch(result.revision() + 1);
            synced = true;
        });
    }

    private CompletableFuture<ListResult> listAll(String token, List<KeyValue> into) {
        return store.list(prefix, 500, token).thenCompose(page -> {
            into.addAll(page.items());
            if (page.continueToken() == null) {
                return CompletableFuture.completedFuture(new ListResult(into, page.revision(), null, 0));
            }
            return listAll(page.continueToken(), into);
        });
    }

    private void watch(long from) {
        if (closed) {
            return;
        }
        watch = store.watch(prefix, from, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                String key = suffix(event.kv().key());
                T value = event.type() == WatchEvent.Type.DELETE ? null : decode.apply(event.kv());
                synchronized (byKey) {
                    T before = value == null ? byKey.remove(key) : byKey.put(key, value);
                    if (before != null || value != null) {
                        changes.accept(before, value);
                    }
                }
            }

            @Override
            public void onError(StoreException error) {
                synced = false;
                if (closed) {
                    return;
                }
                LOG.info("watch of {} ended ({}); listing again", prefix, error.getMessage());
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(StoreIndex.this::resync);
            }
        });
    }

    private void resync() {
        start().exceptionally(e -> {
            if (!closed) {
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(this::resync);
            }
            return null;
        });
    }

    private String suffix(String key) {
        return key.substring(prefix.length());
    }

    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
