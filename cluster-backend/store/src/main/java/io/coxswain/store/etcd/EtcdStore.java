package io.coxswain.store.etcd;

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
import io.coxswain.store.ValueTooLargeException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchDelivery;
import io.coxswain.store.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The store on an etcd cluster, through jetcd. Every conditional write is one etcd transaction that compares
 * a key's create or mod revision, so etcd itself settles races; etcd's revision is the store's revision.
 */
public final class EtcdStore implements Store {
    /** Events a watcher may fall behind before it must resume; etcd itself buffers more behind it. */
    static final int MAX_BUFFERED_EVENTS = 100_000;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** Lists of many large objects exceed gRPC's 4 MiB default; kube-apiserver lifts the limit too. */
    private static final int MAX_INBOUND_BYTES = 512 * 1024 * 1024;
    private static final Duration COMPACTION_PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final Client client;
    private final List<String> endpoints;
    private final KV kv;
    private final Duration requestTimeout;
    private final DeliveryPool deliveries = new DeliveryPool("etcd-store-watch");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            DeliveryPool.daemonThreads("etcd-store-timer"));
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    /** The latest "now" read for a from-zero watch; later requests wait for it (see watch). */
    private volatile CompletableFuture<?> pendingNow = CompletableFuture.completedFuture(null);

    /** @param endpoints client URLs of the cluster's members, such as {@code http://127.0.0.1:2379} */
    public EtcdStore(List<String> endpoints) {
        this(endpoints, DEFAULT_REQUEST_TIMEOUT);
    }

    /** @param requestTimeout how long a call may wait (for a leader, for a member to come back) before it fails */
    public EtcdStore(List<String> endpoints, Duration requestTimeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.client = Client.builder().endpoints(endpoints.toArray(String[]::new))
                .maxInboundMessageSize(MAX_INBOUND_BYTES).build();
        this.kv = client.getKVClient();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return call("get " + key, () -> Keys.checkKey(key), () -> kv.get(bytes(key)),
                r -> r.getKvs().isEmpty() ? Optional.empty() : Optional.of(toKv(r.getKvs().get(0))));
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, int limit, String continueToken) {
        ContinueToken token;
        try {
            Keys.checkPrefix(prefix);
            if (limit < 0) {
                throw new InvalidKeyException("limit must not be negative, was " + limit);
            }
            token = continueToken == null ? null : ContinueToken.decode(continueToken, prefix);
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        String start = token == null ? prefix : token.startKey();
        GetOption option = GetOption.builder().withRange(bytes(Keys.prefixEnd(prefix))).withLimit(limit)
                .withRevision(token == null ? 0 : token.revision()).build();
        CompletableFuture<ListResult> page = call("list " + prefix, () -> { }, () -> kv.get(bytes(start), option), r -> {
            // A later page reads history: the header then carries the current revision, not the page's.
            long revision = token == null ? r.getHeader().getRevision() : token.revision();
            List<KeyValue> items = new ArrayList<>(r.getKvs().size());
            r.getKvs().forEach(raw -> items.add(toKv(raw)));
            String next = r.isMore() && !items.isEmpty()
                    ? new ContinueToken(revision, items.get(items.size() - 1).key() + "\0").encode() : null;
            return new ListResult(List.copyOf(items), revision, next, next == null ? 0 : r.getCount() - items.size());
        });
        return token == null ? page : withCompaction(page, token.revision());
    }

    @Override
    public CompletableFuture<Long> count(String prefix) {
        return call("count " + prefix, () -> Keys.checkPrefix(prefix), () -> kv.get(bytes(prefix),
                GetOption.builder().withRange(bytes(Keys.prefixEnd(prefix))).withCountOnly(true).build()),
                GetResponse::getCount);
    }

    @Override
    public CompletableFuture<KeyValue> create(String key, byte[] value) {
        return write(key, value, k -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT), Op.get(k, GetOption.DEFAULT))
                .commit(), r -> {
            if (!r.isSucceeded()) {
                throw new KeyExistsException(key);
            }
            return toKv(r.getGetResponses().get(0).getKvs().get(0));
        });
    }

    @Override
    public CompletableFuture<KeyValue> update(String key, byte[] value, long expectedModRevision) {
        return write(key, value, k -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)), exists(k))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT), Op.get(k, GetOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(), r -> {
            if (!r.isSucceeded()) {
                throw failedCompare(key, expectedModRevision, r);
            }
            return toKv(r.getGetResponses().get(0).getKvs().get(0));
        });
    }

    @Override
    public CompletableFuture<KeyValue> delete(String key, long expectedModRevision) {
        return call("delete " + key, () -> Keys.checkKey(key), () -> {
            ByteSequence k = bytes(key);
            Cmp[] conditions = expectedModRevision == 0 ? new Cmp[] {exists(k)}
                    : new Cmp[] {new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)), exists(k)};
            return kv.txn().If(conditions)
                    .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
                    .Else(Op.get(k, GetOption.DEFAULT))
                    .commit();
        }, r -> {
            if (!r.isSucceeded()) {
                throw failedCompare(key, expectedModRevision, r);
            }
            KeyValue prev = toKv(r.getDeleteResponses().get(0).getPrevKvs().get(0));
            return deleted(key, r.getHeader().getRevision(), prev);
        });
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        Keys.checkPrefix(prefix); // no future to fail: a bad prefix is the caller's bug, thrown right away
        if (fromRevision < 0) {
            throw new InvalidKeyException("a watch cannot start at revision " + fromRevision);
        }
        EtcdWatch watch = new EtcdWatch(client.getWatchClient(), bytes(prefix), bytes(Keys.prefixEnd(prefix)),
                new WatchDelivery(listener, deliveries, MAX_BUFFERED_EVENTS), scheduler, watches::remove);
        watches.add(watch);
        if (fromRevision > 0) {
            watch.start(fromRevision);
        } else {
            // "After now" means after the revision at the call, not after whenever etcd registers the watch.
            // The read completes after we return, and etcd may order it after a write the caller sends
            // meanwhile (jetcd sends requests from its own pool, and a linearizable read sees whatever
            // committed before it ran): the watch then starts past that write and never reports it. So
            // this store's later requests wait for the read; a write sent after it gets a later revision.
            CompletableFuture<Long> read = currentRevision();
            pendingNow = read;
            read.whenCompleteAsync((now, error) -> {
                if (error != null) {
                    watch.failToStart(error);
                } else {
                    watch.start(now + 1);
                }
            }, scheduler);
        }
        return watch;
    }

    @Override
    public CompletableFuture<Void> compact(long revision) {
        if (revision <= 0) {
            return CompletableFuture.failedFuture(new InvalidKeyException("cannot compact at revision " + revision));
        }
        CompactOption physical = CompactOption.builder().withCompactPhysical(true).build();
        return withCompaction(call("compact " + revision, () -> { }, () -> kv.compact(revision, physical), r -> null),
                revision);
    }

    /** The database size the first member that answers reports (etcd's dbSize, what kube's apiserver_storage_size_bytes shows). */
    @Override
    public CompletableFuture<Long> sizeBytes() {
        CompletableFuture<Long> size = CompletableFuture.failedFuture(new io.coxswain.store.StoreUnavailableException("no etcd member answered", null));
        for (String endpoint : endpoints) {
            size = size.exceptionallyCompose(e -> client.getMaintenanceClient().statusMember(endpoint)
                    .thenApply(io.etcd.jetcd.maintenance.StatusResponse::getDbSize));
        }
        return size.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Long> currentRevision() {
        GetOption countOnly = GetOption.builder().withCountOnly(true).build();
        return call("read revision", () -> { }, () -> kv.get(bytes("/"), countOnly), r -> r.getHeader().getRevision());
    }

    @Override
    public void close() {
        List.copyOf(watches).forEach(EtcdWatch::close);
        scheduler.shutdownNow();
        deliveries.close();
        client.close();
    }

    // ---- helpers

    /** Validates before any I/O, bounds the wait, and turns jetcd's failures into ours. */
    private <R, T> CompletableFuture<T> call(String what, Runnable validate, Supplier<CompletableFuture<R>> request,
                                             Function<R, T> result) {
        try {
            validate.run();
            CompletableFuture<?> gate = pendingNow;
            CompletableFuture<R> sent = gate.isDone() ? request.get()
                    : gate.handle((r, e) -> null).thenCompose(ignored -> request.get());
            return sent.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((r, error) -> {
                if (error != null) {
                    // etcd does not say how far history goes; withCompaction fills that in where it can happen.
                    throw EtcdErrors.isCompacted(error) ? new CompactedException(0, 0) : EtcdErrors.map(what, error);
                }
                return result.apply(r);
            });
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(EtcdErrors.map(what, e));
        }
    }

    private CompletableFuture<KeyValue> write(String key, byte[] value,
                                              Function<ByteSequence, CompletableFuture<TxnResponse>> txn,
                                              Function<TxnResponse, KeyValue> result) {
        return call("write " + key, () -> {
            Keys.checkKey(key);
            Keys.checkValue(key, value);
        }, () -> txn.apply(bytes(key)).exceptionally(error -> {
            // etcd's own request limit counts the key and framing too, so it may trip just under ours.
            throw EtcdErrors.isTooLarge(error) ? new ValueTooLargeException(key, value.length, Keys.MAX_VALUE_BYTES)
                    : new java.util.concurrent.CompletionException(EtcdErrors.unwrap(error));
        }), result);
    }

    /** Completes a compacted error with the revision asked for and the oldest one kept (a watch tells that). */
    private <T> CompletableFuture<T> withCompaction(CompletableFuture<T> future, long requested) {
        return future.exceptionallyCompose(error -> {
            if (!(EtcdErrors.unwrap(error) instanceof CompactedException)) {
                return CompletableFuture.failedFuture(EtcdErrors.unwrap(error));
            }
            return oldestRevision().thenCompose(oldest ->
                    CompletableFuture.failedFuture(new CompactedException(requested, oldest)));
        });
    }

    private CompletableFuture<Long> oldestRevision() {
        CompletableFuture<Long> oldest = new CompletableFuture<>();
        // Watching from revision 1 on a key no store key can equal: etcd answers with its compact revision.
        WatchOption option = WatchOption.builder().withRevision(1).build();
        io.etcd.jetcd.Watch.Watcher probe = client.getWatchClient().watch(bytes("\0compaction-probe"), option,
                io.etcd.jetcd.Watch.listener(r -> { }, error -> {
                    if (EtcdErrors.unwrap(error) instanceof io.etcd.jetcd.common.exception.CompactedException c) {
                        oldest.complete(c.getCompactedRevision());
                    }
                }));
        return oldest.completeOnTimeout(0L, COMPACTION_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> probe.close());
    }

    private static Cmp exists(ByteSequence key) {
        return new Cmp(key, Cmp.Op.GREATER, CmpTarget.version(0));
    }

    /** The Else branch read the key: absent means not found, present means someone else wrote first. */
    private static StoreException failedCompare(String key, long expected, TxnResponse r) {
        List<io.etcd.jetcd.KeyValue> now = r.getGetResponses().get(0).getKvs();
        return now.isEmpty() ? new KeyNotFoundException(key) : new ConflictException(key, expected, now.get(0).getModRevision());
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static KeyValue toKv(io.etcd.jetcd.KeyValue raw) {
        return new KeyValue(raw.getKey().toString(StandardCharsets.UTF_8), raw.getValue().getBytes(),
                raw.getCreateRevision(), raw.getModRevision(), raw.getVersion());
    }

    /** A deletion as the store reports it: the key's last value, stamped with the deletion's revision. */
    static KeyValue deleted(String key, long revision, KeyValue prev) {
        return prev == null ? new KeyValue(key, new byte[0], 0, revision, 0)
                : new KeyValue(key, prev.value(), prev.createRevision(), revision, prev.version());
    }

    static KeyValue deleted(io.etcd.jetcd.KeyValue tombstone, KeyValue prev) {
        return deleted(tombstone.getKey().toString(StandardCharsets.UTF_8), tombstone.getModRevision(), prev);
    }
}
