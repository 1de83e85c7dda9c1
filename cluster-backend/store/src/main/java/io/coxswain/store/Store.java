package io.coxswain.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where cluster state lives: the minimal key-value interface Kubernetes uses from etcd. Values are bytes
 * (JSON). One global revision grows with every committed write and becomes {@code metadata.resourceVersion}.
 * Every write is acknowledged only once it is durable.
 *
 * <p>Failures complete the future exceptionally with a {@link StoreException} subclass.
 */
public interface Store extends AutoCloseable {

    /** The latest value of a key, or empty. */
    CompletableFuture<Optional<KeyValue>> get(String key);

    /**
     * One page of the keys under a prefix, served at one revision. The first page is served at the current
     * revision; a continue token from a previous page serves the next page at that page's revision.
     *
     * @param limit the most items to return; 0 for all
     * @param continueToken null for the first page
     */
    CompletableFuture<ListResult> list(String prefix, int limit, String continueToken);

    /** How many keys live under a prefix now. */
    CompletableFuture<Long> count(String prefix);

    /** Creates a key; fails with {@link KeyExistsException} if it exists. */
    CompletableFuture<KeyValue> create(String key, byte[] value);

    /**
     * Replaces a key's value if its mod revision is still {@code expectedModRevision}; fails with
     * {@link ConflictException} on a stale revision and {@link KeyNotFoundException} on a missing key.
     */
    CompletableFuture<KeyValue> update(String key, byte[] value, long expectedModRevision);

    /**
     * Deletes a key if its mod revision is still {@code expectedModRevision} (0: whatever it is). Returns
     * the deleted value; its {@link KeyValue#modRevision()} is the revision of the deletion.
     */
    CompletableFuture<KeyValue> delete(String key, long expectedModRevision);

    /**
     * Streams every PUT and DELETE under a prefix from {@code fromRevision} (inclusive; 0 for "after now"),
     * in revision order and with no gaps, until the watch is closed or fails. A revision that was compacted
     * away fails the watch with {@link CompactedException}; a watcher that falls too far behind fails with
     * {@link WatchOverflowException} and can resume from the revision after the last event it saw.
     */
    Watch watch(String prefix, long fromRevision, WatchListener listener);

    /** Discards history older than {@code revision}; reads and watches before it fail with {@link CompactedException}. */
    CompletableFuture<Void> compact(long revision);

    /** The revision of the last committed write. */
    CompletableFuture<Long> currentRevision();

    /**
     * Writes a key's value again, unchanged, when this store keeps it in a form it no longer writes: kube's "stale" read,
     * a value encrypted at rest with a key that is no longer the first. Only while the key is still at
     * {@code modRevision}. Returns the key's mod revision afterwards, {@code modRevision} itself when nothing was written;
     * a plain store keeps every value as it would write it, and writes nothing.
     */
    default CompletableFuture<Long> refreshStale(String key, long modRevision) {
        return CompletableFuture.completedFuture(modRevision);
    }

    /** How many bytes the store takes where it keeps its data (etcd's database size; the embedded store's files). */
    default CompletableFuture<Long> sizeBytes() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getSimpleName() + " does not tell its size"));
    }

    @Override
    void close();
}
