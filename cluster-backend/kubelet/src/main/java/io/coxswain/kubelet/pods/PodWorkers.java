package io.coxswain.kubelet.pods;

import io.coxswain.client.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One worker per pod, as the kubelet's podWorkers: syncs of one pod never overlap, a request that comes while a
 * sync runs makes one more sync afterwards, and syncs of different pods run in parallel on a bounded pool.
 */
public final class PodWorkers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);

    private final Consumer<String> sync;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    public PodWorkers(int threads, Consumer<String> sync) {
        this.sync = sync;
        this.pool = Executors.newFixedThreadPool(threads, DaemonThreads.named("pod-worker"));
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("pod-timer"));
    }

    /** Syncs the pod with this key soon. */
    public void enqueue(String key) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        long now = System.nanoTime();
        synchronized (slot) {
            slot.queuedAt = now;
            if (slot.running) {
                slot.again = true;
                return;
            }
            slot.running = true;
        }
        try {
            pool.execute(() -> run(key, slot));
        } catch (RejectedExecutionException e) {
            // the kubelet is stopping
        }
    }

    /** Syncs the pod after a delay: a back-off ends, a grace period runs out. */
    public void enqueueAfter(String key, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            enqueue(key);
        } else {
            try {
                timer.schedule(() -> enqueue(key), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the kubelet is stopping
            }
        }
    }

    /** Forgets a pod whose work is over. */
    public void forget(String key) {
        slots.remove(key);
    }

    private void run(String key, Slot slot) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("pod {} waited {} ms for a worker", key, (System.nanoTime() - slot.queuedAt) / 1_000_000);
        }
        while (true) {
            try {
                sync.accept(key);
            } catch (RuntimeException e) {
                if (pool.isShutdown()) {
                    return;
                }
                LOG.warn("sync of pod {} failed; retrying: {}", key, e.toString());
                enqueueAfter(key, Duration.ofSeconds(1));
            }
            synchronized (slot) {
                if (!slot.again) {
                    slot.running = false;
                    return;
                }
                slot.again = false;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pool.shutdownNow();
    }

    private static final class Slot {
        boolean running;
        boolean again;
        long queuedAt;
    }
}
