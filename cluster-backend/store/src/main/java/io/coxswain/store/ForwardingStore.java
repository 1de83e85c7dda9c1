package io.coxswain.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A store that hands every call to another one: the base of decorators, which override only what they change. */
public abstract class ForwardingStore implements Store {

    protected final Store store;

    protected ForwardingStore(Store store) {
        this.store = store;
    }

    /** The store underneath. */
    public Store delegate() {
        return store;
    }

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return store.get(key);
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, int limit, String continueToken) {
        return store.list(prefix, limit, continueToken);
    }

    @Override
    public CompletableFuture<Long> count(String prefix) {
        return store.count(prefix);
    }

    @Override
    public CompletableFuture<KeyValue> create(String key, byte[] value) {
        return store.create(key, value);
    }

    @Override
    public CompletableFuture<KeyValue> update(String key, byte[] value, long expectedModRevision) {
        return store.update(key, value, expectedModRevision);
    }

    @Override
    public CompletableFuture<KeyValue> delete(String key, long expectedModRevision) {
        return store.delete(key, expectedModRevision);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        return store.watch(prefix, fromRevision, listener);
    }

    @Override
    public CompletableFuture<Long> refreshStale(String key, long modRevision) {
        return store.refreshStale(key, modRevision);
    }

    @Override
    public CompletableFuture<Void> compact(long revision) {
        return store.compact(revision);
    }

    @Override
    public CompletableFuture<Long> currentRevision() {
        return store.currentRevision();
    }

    @Override
    public CompletableFuture<Long> sizeBytes() {
        return store.sizeBytes();
    }

    @Override
    public void close() {
        store.close();
    }
}
