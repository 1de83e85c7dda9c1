package io.coxswain.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * client-go's rate-limited workqueue. An item added while queued is queued once; an item added while a worker
 * holds it is queued again only when that worker calls {@link #done}, so no two workers ever hold the same key.
 * {@link #addRateLimited} re-adds after the limiter's delay; {@link #forget} resets the item's back-off.
 */
public final class WorkQueue<T> implements AutoCloseable {

    private final Deque<T> queue = new ArrayDeque<>();
    private final Set<T> dirty = new HashSet<>();
    private final Set<T> processing = new HashSet<>();
    /** When each queued item was first added, for workqueue_queue_duration_seconds. */
    private final java.util.Map<T, Long> addedAt = new java.util.HashMap<>();
    private final WorkQueueMetrics metrics;
    private final RateLimiter<T> limiter;
    private final ScheduledExecutorService delays;
    private boolean shuttingDown;

    public WorkQueue(String name, RateLimiter<T> limiter) {
        this.limiter = limiter;
        this.metrics = WorkQueueMetrics.of(name);
        this.delays = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name + "-delays"));
    }

    public synchronized void add(T item) {
        if (shuttingDown || !dirty.add(item)) {
            return;
        }
        metrics.added();
        addedAt.putIfAbsent(item, System.nanoTime());
        if (processing.contains(item)) {
            return;
        }
        queue.addLast(item);
        notify();
    }

    public void addAfter(T item, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(item);
            return;
        }
        synchronized (this) {
            if (shuttingDown) {
                return;
            }
        }
        delays.schedule(() -> add(item), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    public void addRateLimited(T item) {
        metrics.retried();
        addAfter(item, limiter.when(item));
    }

    public void forget(T item) {
        limiter.forget(item);
    }

    public int retries(T item) {
        return limiter.retries(item);
    }

    /** The next item, waiting for one; null once the queue is shut down. The caller must call {@link #done}. */
    public synchronized T get() throws InterruptedException {
        while (queue.isEmpty() && !shuttingDown) {
            wait();
        }
        if (queue.isEmpty()) {
            return null;
        }
        T item = queue.removeFirst();
        processing.add(item);
        dirty.remove(item);
        Long added = addedAt.remove(item);
        metrics.taken(this, item, added == null ? System.nanoTime() : added);
        return item;
    }

    public synchronized void done(T item) {
        processing.remove(item);
        metrics.done(this, item);
        if (dirty.contains(item)) {
            queue.addLast(item);
            notify();
        }
    }

    public synchronized int length() {
        return queue.size();
    }

    public synchronized boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Wakes every waiting worker with null; items still queued are dropped. */
    public synchronized void shutDown() {
        if (!shuttingDown) {
            metrics.dropped(dirty.size());
            for (T item : processing) {
                metrics.done(this, item);
            }
        }
        shuttingDown = true;
        notifyAll();
        delays.shutdownNow();
    }

    @Override
    public void close() {
        shutDown();
    }
}
