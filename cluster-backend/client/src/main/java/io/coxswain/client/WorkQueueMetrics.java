package io.coxswain.client;

import io.coxswain.metrics.Buckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * client-go's workqueue metrics (k8s.io/component-base/metrics/prometheus/workqueue), labelled {@code name} with the
 * queue's name: {@code workqueue_depth}, {@code workqueue_adds_total}, {@code workqueue_queue_duration_seconds},
 * {@code workqueue_work_duration_seconds}, {@code workqueue_retries_total}, {@code workqueue_unfinished_work_seconds}
 * and {@code workqueue_longest_running_processor_seconds}. As client-go, queues report to a process-wide provider,
 * which kube-controller-manager sets to its registry ({@link #setProvider}); until then they report nowhere. Queues of
 * one name share their meters.
 */
public final class WorkQueueMetrics {

    /** client-go's buckets: ExponentialBuckets(10e-9, 10, 10), 10 ns to 10 s. */
    static final Duration[] BUCKETS = Buckets.exponential(10e-9, 10, 10);

    private static volatile MeterRegistry provider = new CompositeMeterRegistry();
    private static final Map<MeterRegistry, Map<String, WorkQueueMetrics>> BY_REGISTRY = new WeakHashMap<>();

    /** What one queue instance is processing: its item, since when. */
    private record Processing(Object queue, Object item) {
    }

    private final AtomicLong depth = new AtomicLong();
    private final Counter adds;
    private final Counter retries;
    private final Timer queueDuration;
    private final Timer workDuration;
    private final Map<Processing, Long> processing = new ConcurrentHashMap<>();

    private WorkQueueMetrics(MeterRegistry registry, String name) {
        Gauge.builder("workqueue.depth", depth, AtomicLong::get).description("Current depth of workqueue")
                .tag("name", name).strongReference(true).register(registry);
        adds = Counter.builder("workqueue.adds").description("Total number of adds handled by workqueue").tag("name", name)
                .register(registry);
        retries = Counter.builder("workqueue.retries").description("Total number of retries handled by workqueue").tag("name", name)
                .register(registry);
        queueDuration = Timer.builder("workqueue.queue.duration")
                .description("How long in seconds an item stays in workqueue before being requested.").tag("name", name)
                .serviceLevelObjectives(BUCKETS).register(registry);
        workDuration = Timer.builder("workqueue.work.duration").description("How long in seconds processing an item from workqueue takes.")
                .tag("name", name).serviceLevelObjectives(BUCKETS).register(registry);
        Gauge.builder("workqueue.unfinished.work", this, WorkQueueMetrics::unfinishedSeconds).baseUnit("seconds")
                .description("How many seconds of work has done that is in progress and hasn't been observed by work_duration.")
                .tag("name", name).strongReference(true).register(registry);
        Gauge.builder("workqueue.longest.running.processor", this, WorkQueueMetrics::longestSeconds).baseUnit("seconds")
                .description("How many seconds has the longest running processor for workqueue been running.")
                .tag("name", name).strongReference(true).register(registry);
    }

    /** client-go's workqueue.SetProvider: where queues made from now on report. */
    public static void setProvider(MeterRegistry registry) {
        provider = registry;
    }

    static WorkQueueMetrics of(String name) {
        MeterRegistry registry = provider;
        synchronized (BY_REGISTRY) {
            return BY_REGISTRY.computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
                    .computeIfAbsent(name, n -> new WorkQueueMetrics(registry, n));
        }
    }

    void added() {
        adds.increment();
        depth.incrementAndGet();
    }

    void taken(Object queue, Object item, long addedAt) {
        depth.decrementAndGet();
        long now = System.nanoTime();
        queueDuration.record(now - addedAt, TimeUnit.NANOSECONDS);
        processing.put(new Processing(queue, item), now);
    }

    void done(Object queue, Object item) {
        Long started = processing.remove(new Processing(queue, item));
        if (started != null) {
            workDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** Items dropped at shutdown leave the depth. */
    void dropped(int items) {
        depth.addAndGet(-items);
    }

    void retried() {
        retries.increment();
    }

    private double unfinishedSeconds() {
        long now = System.nanoTime();
        return processing.values().stream().mapToLong(started -> now - started).sum() / 1e9;
    }

    private double longestSeconds() {
        long now = System.nanoTime();
        return processing.values().stream().mapToLong(started -> now - started).max().orElse(0) / 1e9;
    }
}
