package io.coxswain.kubelet;

import io.coxswain.api.health.HealthCheck;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * kube's kubelet syncLoopMonitor: when the sync loop (here the PLEG relist, which hands changed pods to their
 * workers) last began an iteration. The kubelet's {@code /healthz} check {@code syncloop} fails once that is longer
 * ago than twice the loop's interval, and at least 5 minutes, as kube's SyncLoopHealthCheck: a relist stuck on the
 * engine, or a loop that stopped, makes the kubelet unhealthy.
 */
public final class SyncLoopMonitor {

    private static final Duration MIN_LIMIT = Duration.ofMinutes(5);

    private final long limitNanos;
    private final LongSupplier nanoTime;
    /** When the current or last iteration began; none yet before the first. */
    private volatile long entered;
    private volatile boolean started;

    public SyncLoopMonitor(Duration interval) {
        this(interval, System::nanoTime);
    }

    SyncLoopMonitor(Duration interval, LongSupplier nanoTime) {
        Duration twice = interval.multipliedBy(2);
        this.limitNanos = (twice.compareTo(MIN_LIMIT) > 0 ? twice : MIN_LIMIT).toNanos();
        this.nanoTime = nanoTime;
    }

    /** An iteration of the loop begins. */
    void enter() {
        entered = nanoTime.getAsLong();
        started = true;
    }

    public HealthCheck check() {
        return HealthCheck.of("syncloop", () -> !started || nanoTime.getAsLong() - entered < limitNanos,
                "the sync loop took longer than expected");
    }
}
