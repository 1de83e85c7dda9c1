package io.coxswain.scheduler;

import io.coxswain.metrics.Buckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * kube-scheduler's metrics (pkg/scheduler/metrics): {@code scheduler_schedule_attempts_total} and
 * {@code scheduler_scheduling_attempt_duration_seconds} by result (scheduled, unschedulable, error) and profile, and
 * {@code scheduler_pod_scheduling_duration_seconds} by attempts, from a pod's first attempt to its binding.
 */
final class SchedulerMetrics {

    static final String SCHEDULED = "scheduled";
    static final String UNSCHEDULABLE = "unschedulable";
    static final String ERROR = "error";

    /** kube's buckets: ExponentialBuckets(0.001, 2, 15) for an attempt, ExponentialBuckets(0.01, 2, 20) for a pod. */
    static final Duration[] ATTEMPT_BUCKETS = Buckets.exponential(0.001, 2, 15);
    static final Duration[] POD_BUCKETS = Buckets.exponential(0.01, 2, 20);

    private record Series(String result, String profile) {
    }

    /** A pending pod's first attempt and how many it has had. */
    private record Tries(long first, int attempts) {
    }

    private final MeterRegistry registry;
    private final Map<Series, Counter> attempts = new ConcurrentHashMap<>();
    private final Map<Series, Timer> attemptDurations = new ConcurrentHashMap<>();
    private final Map<String, Timer> podDurations = new ConcurrentHashMap<>();
    private final Map<String, Tries> pending = new ConcurrentHashMap<>();

    SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A scheduling attempt of the pod {@code key} begins; returns its start. */
    long attemptStarted(String key) {
        long now = System.nanoTime();
        pending.merge(key, new Tries(now, 1), (old, fresh) -> new Tries(old.first(), old.attempts() + 1));
        return now;
    }

    /** An attempt ended with {@code result}; a scheduled pod's whole wait is observed and forgotten. */
    void attemptEnded(String key, String profile, String result, long started) {
        long now = System.nanoTime();
        Series s = new Series(result, profile);
        attempts.computeIfAbsent(s, x -> Counter.builder("scheduler.schedule.attempts")
                .description("Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.")
                .tags("result", x.result(), "profile", x.profile()).register(registry)).increment();
        attemptDurations.computeIfAbsent(s, x -> Timer.builder("scheduler.scheduling.attempt.duration")
                .description("Scheduling attempt latency in seconds (scheduling algorithm + binding)")
                .tags("result", x.result(), "profile", x.profile()).serviceLevelObjectives(ATTEMPT_BUCKETS).register(registry))
                .record(now - started, TimeUnit.NANOSECONDS);
        if (result.equals(SCHEDULED)) {
            Tries tries = pending.remove(key);
            if (tries != null) {
                String label = Integer.toString(Math.min(tries.attempts(), 16));
                podDurations.computeIfAbsent(label, a -> Timer.builder("scheduler.pod.scheduling.duration")
                        .description("E2e latency for a pod being scheduled which may include multiple scheduling attempts.")
                        .tag("attempts", a).serviceLevelObjectives(POD_BUCKETS).register(registry))
                        .record(now - tries.first(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The pod went away (deleted, or bound by someone else). */
    void forget(String key) {
        pending.remove(key);
    }
}
