package io.coxswain.store.embedded;

import io.coxswain.store.CompactedException;
import io.coxswain.store.DeliveryPool;
import io.coxswain.store.ConflictException;
import io.coxswain.store.ContinueToken;
import io.coxswain.store.InvalidKeyException;
import io.coxswain.store.KeyExistsException;
import io.coxswain.store.KeyNotFoundException;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Keys;
import io.coxswain.store.ListResult;
import io.coxswain.store.Store;
import io.coxswain.store.StoreException;
import io.coxswain.store.StoreUnavailableException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The default store: one data directory, an in-memory MVCC index for reads and watches, and a durable log
 * in SQLite. One commit thread takes writes in groups, checks them against the index, makes the whole
 * group durable with one commit, then publishes it; writers that arrive together share one sync.
 */
public final class EmbeddedStore implements Store {

    private static final String DB_FILE = "store.db";

    private final EmbeddedStoreOptions options;
    private final SqliteLog log;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final MvccIndex index = new MvccIndex();
    private final WatcherHub hub;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Thread committer;
    private final DeliveryPool watchPool;
    private final ExecutorService completions;
    private final ScheduledExecutorService compactor;
    private volatile long currentRevision;
    private volatile long compactRevision;
    private volatile boolean closed;
    private final Path dataDir;

    private EmbeddedStore(Path dataDir, EmbeddedStoreOptions options) throws IOException, SQLException {
        this.options = options;
        this.dataDir = dataDir;
        Files.createDirectories(dataDir);
        lockChannel = FileChannel.open(dataDir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            acquired = null;
        }
        lock = acquired;
        if (lock == null) {
            lockChannel.close();
            throw new IOException("data directory " + dataDir + " is in use by another process");
        }
        log = new SqliteLog(dataDir.resolve(DB_FILE));
        watchPool = new DeliveryPool("store-watch");
        completions = Executors.newFixedThreadPool(2, DeliveryPool.daemonThreads("store-complete"));
        hub = new WatcherHub(new EventHistory(options.historyMinEvents(), options.historyMaxEvents(),
                options.historyMinAge().toMillis()), watchPool, options.watcherBuffer());
        recover();
        committer = new Thread(this::commitLoop, "store-commit");
        committer.setDaemon(true);
        committer.start();
        compactor = Executors.newSingleThreadScheduledExecutor(DeliveryPool.daemonThreads("store-compact"));
        if (!options.autoCompactEvery().isZero()) {
            long every = options.autoCompactEvery().toMillis();
            compactor.scheduleWithFixedDelay(this::compactBeyondHistory, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Opens (or creates) the store in a data directory; replays the log so every acknowledged write is back. */
    public static EmbeddedStore open(Path dataDir, EmbeddedStoreOptions options) {
        try {
            return new EmbeddedStore(dataDir, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public static EmbeddedStore open(Path dataDir) {
        return open(dataDir, EmbeddedStoreOptions.defaults());
    }

    private void recover() throws SQLException {
        long compacted = log.meta("compact_revision");
        long[] last = {log.meta("revision")};
        List<WatchEvent> recent = new ArrayList<>();
        log.load((revision, kv, deleted) -> {
            KeyValue prev = index.latest(kv.key());
            index.put(kv.key(), revision, deleted ? null : kv);
            if (revision >= compacted) {
                recent.add(new WatchEvent(deleted ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT, kv, prev));
            }
            last[0] = Math.max(last[0], revision);
        });
        currentRevision = last[0];
        compactRevision = compacted;
        hub.restore(compacted, compacted);
        hub.publish(recent, System.currentTimeMillis());
        hub.restore(currentRevision, compacted);
    }

    // ---- reads: served from the index, never blocking ----

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        try {
            Keys.checkKey(key);
            return CompletableFuture.completedFuture(Optional.ofNullable(index.latest(key)));
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, int limit, String continueToken) {
        try {
            Keys.checkPrefix(prefix);
            if (limit < 0) {
                throw new InvalidKeyException("limit must not be negative, not " + limit);
            }
            long revision = currentRevision;
            String start = prefix;
            if (continueToken != null && !continueToken.isEmpty()) {
                ContinueToken token = ContinueToken.decode(continueToken, prefix);
                revision = token.revision();
                start = token.startKey();
                if (revision > currentRevision) {
                    throw new InvalidKeyException("continue token names revision " + revision + ", which is in the future");
                }
            }
            if (revision < compactRevision) {
                throw new CompactedException(revision, compactRevision);
            }
            MvccIndex.Page page = index.range(prefix, start, revision, limit);
            String next = null;
            if (page.remaining() > 0) {
                String lastKey = page.items().get(page.items().size() - 1).key();
                next = new ContinueToken(revision, lastKey + "\0").encode();
            }
            // A compaction racing this read may have dropped versions it used; then the page is not trustworthy.
            if (revision < compactRevision) {
                throw new CompactedException(revision, compactRevision);
            }
            return CompletableFuture.completedFuture(new ListResult(page.items(), revision, next, page.remaining()));
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Long> count(String prefix) {
        try {
            Keys.checkPrefix(prefix);
            return CompletableFuture.completedFuture(index.count(prefix, currentRevision));
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Long> currentRevision() {
        return CompletableFuture.completedFuture(currentRevision);
    }

    /** The SQLite database and its write-ahead log, as they are on disk now. */
    @Override
    public CompletableFuture<Long> sizeBytes() {
        return CompletableFuture.supplyAsync(() -> {
            long total = 0;
            for (String name : List.of(DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm")) {
                try {
                    total += Files.size(dataDir.resolve(name));
                } catch (IOException e) {
                    // not there (yet): nothing to count
                }
            }
            return total;
        }, completions);
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        Keys.checkPrefix(prefix);
        return hub.register(prefix, fromRevision, listener);
    }

    // ---- writes: queued for the commit thread ----

    @Override
    public CompletableFuture<KeyValue> create(String key, byte[] value) {
        return submit(Op.CREATE, key, value, 0);
    }

    @Override
    public CompletableFuture<KeyValue> update(String key, byte[] value, long expectedModRevision) {
        return submit(Op.UPDATE, key, value, expectedModRevision);
    }

    @Override
    public CompletableFuture<KeyValue> delete(String key, long expectedModRevision) {
        return submit(Op.DELETE, key, null, expectedModRevision);
    }

    @Override
    public CompletableFuture<Void> compact(long revision) {
        if (revision <= 0) {
            return CompletableFuture.failedFuture(new InvalidKeyException("compaction revision must be positive, not " + revision));
        }
        CompletableFuture<KeyValue> done = new CompletableFuture<>();
        enqueue(new Request(Op.COMPACT, null, null, revision, done), done);
        return done.thenApply(kv -> null);
    }

    private CompletableFuture<KeyValue> submit(Op op, String key, byte[] value, long expected) {
        CompletableFuture<KeyValue> result = new CompletableFuture<>();
        try {
            Keys.checkKey(key);
            if (op != Op.DELETE) {
                Keys.checkValue(key, value);
            }
        } catch (StoreException e) {
            result.completeExceptionally(e);
            return result;
        }
        enqueue(new Request(op, key, value, expected, result), result);
        return result;
    }

    private void enqueue(Request request, CompletableFuture<KeyValue> result) {
        if (closed) {
            result.completeExceptionally(new StoreUnavailableException("the store is closed", null));
            return;
        }
        requests.add(request);
    }

    private enum Op { CREATE, UPDATE, DELETE, COMPACT }

    private record Request(Op op, String key, byte[] value, long expected, CompletableFuture<KeyValue> result) {
    }

    private record Outcome(Request request, KeyValue result, StoreException error) {
    }

    private void commitLoop() {
        List<Request> batch = new ArrayList<>();
        while (!closed || !requests.isEmpty()) {
            try {
                Request first = requests.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                requests.drainTo(batch, options.maxBatch() - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                StoreUnavailableException failure = new StoreUnavailableException("commit failed: " + e, e);
                batch.forEach(r -> r.result().completeExceptionally(failure));
            } finally {
                batch.clear();
            }
        }
        StoreUnavailableException closedError = new StoreUnavailableException("the store is closed", null);
        requests.forEach(r -> r.result().completeExceptionally(closedError));
    }

    /** Checks a group of writes against the index, makes the accepted ones durable together, then publishes them. */
    private void commit(List<Request> batch) {
        long revision = currentRevision;
        Map<String, Optional<KeyValue>> pending = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        List<Request> compactions = new ArrayList<>();
        for (Request r : batch) {
            if (r.op() == Op.COMPACT) {
                compactions.add(r);
                continue;
            }
            KeyValue current = pending.containsKey(r.key()) ? pending.get(r.key()).orElse(null) : index.latest(r.key());
            StoreException error = check(r, current);
            if (error != null) {
                outcomes.add(new Outcome(r, null, error));
                continue;
            }
            long next = ++revision;
            WatchEvent event = switch (r.op()) {
                case CREATE -> new WatchEvent(WatchEvent.Type.PUT, new KeyValue(r.key(), r.value(), next, next, 1), null);
                case UPDATE -> new WatchEvent(WatchEvent.Type.PUT,
                        new KeyValue(r.key(), r.value(), current.createRevision(), next, current.version() + 1), current);
                default -> new WatchEvent(WatchEvent.Type.DELETE,
                        new KeyValue(r.key(), current.value(), current.createRevision(), next, current.version()), current);
            };
            changes.add(new Change(event));
            pending.put(r.key(), event.type() == WatchEvent.Type.DELETE ? Optional.empty() : Optional.of(event.kv()));
            outcomes.add(new Outcome(r, event.kv(), null));
        }
        if (!changes.isEmpty()) {
            try {
                log.append(changes);
            } catch (SQLException e) {
                StoreUnavailableException failure = new StoreUnavailableException("the write could not be made durable: "
                        + e.getMessage(), e);
                outcomes.forEach(o -> o.request().result().completeExceptionally(o.error() != null ? o.error() : failure));
                compactions.forEach(c -> c.result().completeExceptionally(failure));
                return;
            }
            List<WatchEvent> events = new ArrayList<>(changes.size());
            for (Change c : changes) {
                index.put(c.kv().key(), c.revision(), c.deleted() ? null : c.kv());
                events.add(c.event());
            }
            currentRevision = revision;
            hub.publish(events, System.currentTimeMillis());
        }
        completions.execute(() -> outcomes.forEach(o -> {
            if (o.error() != null) {
                o.request().result().completeExceptionally(o.error());
            } else {
                o.request().result().complete(o.result());
            }
        }));
        compactions.forEach(this::runCompaction);
    }

    private static StoreException check(Request r, KeyValue current) {
        return switch (r.op()) {
            case CREATE -> current != null ? new KeyExistsException(r.key()) : null;
            case UPDATE, DELETE -> {
                if (current == null) {
                    yield new KeyNotFoundException(r.key());
                }
                boolean any = r.op() == Op.DELETE && r.expected() == 0;
                yield any || current.modRevision() == r.expected() ? null
                        : new ConflictException(r.key(), r.expected(), current.modRevision());
            }
            default -> null;
        };
    }

    /** As etcd: revisions before the target become unreadable; the target itself stays. */
    private void runCompaction(Request r) {
        long target = r.expected();
        try {
            if (target > currentRevision) {
                throw new InvalidKeyException("cannot compact to revision " + target + ", which is in the future");
            }
            if (target <= compactRevision) {
                throw new CompactedException(target, compactRevision);
            }
            log.compact(target, currentRevision);
            compactRevision = target;
            hub.compacted(target);
            index.compact(target);
            completions.execute(() -> r.result().complete(null));
        } catch (StoreException e) {
            r.result().completeExceptionally(e);
        } catch (SQLException e) {
            r.result().completeExceptionally(new StoreUnavailableException("compaction failed: " + e.getMessage(), e));
        }
    }

    /** Drops versions that no watch can start from any more, so memory follows the history window. */
    private void compactBeyondHistory() {
        long oldest = Math.min(hub.oldestWatchable(), currentRevision);
        if (oldest > compactRevision) {
            compact(oldest);
        }
    }

    public long compactRevision() {
        return compactRevision;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        compactor.shutdownNow();
        try {
            committer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchPool.close();
        completions.shutdown();
        try {
            completions.awaitTermination(5, TimeUnit.SECONDS);
            log.close();
            lock.release();
            lockChannel.close();
        } catch (SQLException | IOException e) {
            throw new StoreUnavailableException("closing the store failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
