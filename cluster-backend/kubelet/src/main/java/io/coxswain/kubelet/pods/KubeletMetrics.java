package io.coxswain.kubelet.pods;

import io.coxswain.metrics.Buckets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The kubelet's metrics (pkg/kubelet/metrics): {@code kubelet_pod_start_duration_seconds}, from the kubelet first
 * seeing a pod to its running, {@code kubelet_pod_worker_duration_seconds} by operation_type (create, sync, kill) and
 * {@code kubelet_running_pods}.
 */
public final class KubeletMetrics {

    /** kube's buckets of kubelet_pod_start_duration_seconds. */
    static final Duration[] START_BUCKETS = Buckets.seconds(0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480,
            600, 900, 1200, 1800, 2700, 3600);
    /** Prometheus's DefBuckets, which kubelet_pod_worker_duration_seconds takes. */
    static final Duration[] WORKER_BUCKETS = Buckets.seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    private final MeterRegistry registry;
    private final Timer podStart;
    private final Map<String, Timer> workers = new ConcurrentHashMap<>();

    public KubeletMetrics(MeterRegistry registry) {
        this.registry = registry;
        podStart = Timer.builder("kubelet.pod.start.duration")
                .description("Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run")
                .serviceLevelObjectives(START_BUCKETS).register(registry);
    }

    void podStarted(long nanos) {
        podStart.record(nanos, TimeUnit.NANOSECONDS);
    }

    void synced(String operationType, long nanos) {
        workers.computeIfAbsent(operationType, op -> Timer.builder("kubelet.pod.worker.duration")
                .description("Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync")
                .tag("operation_type", op).serviceLevelObjectives(WORKER_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void runningPods(Supplier<Number> count) {
        Gauge.builder("kubelet.running.pods", count).description("Number of pods that have a running pod sandbox")
                .strongReference(true).register(registry);
    }
}
