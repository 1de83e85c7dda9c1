package io.coxswain.apiserver.watch;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory view of one store prefix, as an informer without a client: lists the prefix (paged), hands the items
 * over, then watches from the revision after the list; a watch that fails (compacted, overflowed, store unavailable)
 * is listed and watched again after a pause. What the view keeps is the {@link Sink}'s business.
 */
public final class PrefixMirror implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrefixMirror.class);

    /** Receives the prefix's objects: all of them after each list, then each change. Calls never overlap. */
    public interface Sink {
        void replace(List<KeyValue> items);

        void put(KeyValue kv);

        void delete(String key);
    }

    private final Store store;
    private final String prefix;
    private final Sink sink;
    private volatile Watch watch;
    private volatile boolean synced;
    private volatile boolean closed;

    public PrefixMirror(Store store, String prefix, Sink sink) {
        this.store = store;
        this.prefix = prefix;
        this.sink = sink;
    }

    /** Whether the prefix is listed and watched now. */
    public boolean synced() {
        return synced && !closed;
    }

    /** Completes once the prefix is listed into the sink and watched. */
    public CompletableFuture<Void> start() {
        return listAll(null, new ArrayList<>()).thenAccept(result -> {
            synchronized (sink) {
                sink.replace(result.items());
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
                synchronized (sink) {
                    if (event.type() == WatchEvent.Type.DELETE) {
                        sink.delete(event.kv().key());
                    } else {
                        sink.put(event.kv());
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
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(PrefixMirror.this::resync);
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

    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
