package io.coxswain.store;

import io.coxswain.metrics.Buckets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Any store, timed as kube-apiserver times etcd: {@code etcd_request_duration_seconds} by operation (get, list,
 * listWithCount, create, update, delete, compact) and type (the resource of the key, {@code /registry/<type>/...}),
 * with kube's buckets, for the embedded store and for etcd alike.
 */
public final class InstrumentedStore extends ForwardingStore {

    /** kube's buckets of etcd_request_duration_seconds. */
    static final Duration[] BUCKETS = Buckets.seconds(0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8,
            10, 15, 20, 30, 45, 60);

    private record Series(String operation, String type) {
    }

    private final MeterRegistry registry;
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    public InstrumentedStore(Store store, MeterRegistry registry) {
        super(store);
        this.registry = registry;
    }

    /** The resource a key belongs to: {@code pods} for {@code /registry/pods/default/web}; the key's first segment otherwise. */
    static String type(String key) {
        String rest = key.startsWith("/registry/") ? key.substring("/registry/".length()) : key.startsWith("/") ? key.substring(1) : key;
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private <T> CompletableFuture<T> timed(String operation, String key, java.util.function.Supplier<CompletableFuture<T>> call) {
        long started = System.nanoTime();
        Timer timer = timers.computeIfAbsent(new Series(operation, type(key)), s -> Timer.builder("etcd.request.duration")
                .description("Etcd request latency in seconds for each operation and object type.")
                .tags("operation", s.operation(), "type", s.type()).serviceLevelObjectives(BUCKETS).register(registry));
        return call.get().whenComplete((v, e) -> timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return timed("get", key, () -> store.get(key));
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, int limit, String continueToken) {
        return timed("list", prefix, () -> store.list(prefix, limit, continueToken));
    }

    @Override
    public CompletableFuture<Long> count(String prefix) {
        return timed("listWithCount", prefix, () -> store.count(prefix));
    }

    @Override
    public CompletableFuture<KeyValue> create(String key, byte[] value) {
        return timed("create", key, () -> store.create(key, value));
    }

    @Override
    public CompletableFuture<KeyValue> update(String key, byte[] value, long expectedModRevision) {
        return timed("update", key, () -> store.update(key, value, expectedModRevision));
    }

    @Override
    public CompletableFuture<KeyValue> delete(String key, long expectedModRevision) {
        return timed("delete", key, () -> store.delete(key, expectedModRevision));
    }

    @Override
    public CompletableFuture<Void> compact(long revision) {
        return timed("compact", "", () -> store.compact(revision));
    }
}
