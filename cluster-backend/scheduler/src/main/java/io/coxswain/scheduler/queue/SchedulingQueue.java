package io.coxswain.scheduler.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * kube-scheduler's queue in three parts: active (ready to try, FIFO), back-off (failed recently; waits 1 s
 * doubling to 10 s per attempt) and unschedulable (parked until a cluster event could help: a node added or
 * changed, a pod deleted; or after five minutes).
 */
public final class SchedulingQueue {

    private static final Duration PARKED_AT_MOST = Duration.ofMinutes(5);

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Deque<String> active = new ArrayDeque<>();
    private final PriorityQueue<Waiting> backoff = new PriorityQueue<>((a, b) -> Long.compare(a.until, b.until));
    private final Map<String, Long> unschedulable = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    /** Every key that is in one of the three parts, to add each once. */
    private final Map<String, String> where = new HashMap<>();
    private boolean closed;
    private long lastParkedCheck = System.nanoTime();

    private record Waiting(String key, long until) {
    }

    public SchedulingQueue(Duration initialBackoff, Duration maxBackoff) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** A pod that needs a node: to the active part, unless it waits already. */
    public synchronized void add(String key) {
        if (where.containsKey(key)) {
            return;
        }
        where.put(key, "active");
        active.addLast(key);
        notifyAll();
    }

    /** A pod that is bound or gone. */
    public synchronized void remove(String key) {
        String part = where.remove(key);
        attempts.remove(key);
        if (part == null) {
            return;
        }
        switch (part) {
            case "active" -> active.remove(key);
            case "backoff" -> backoff.removeIf(w -> w.key.equals(key));
            default -> unschedulable.remove(key);
        }
    }

    /** A pod that fit no node: parked until something changes. */
    public synchronized void unschedulable(String key) {
        attempts.merge(key, 1, Integer::sum);
        where.put(key, "unschedulable");
        unschedulable.put(key, System.nanoTime());
    }

    /** A pod whose attempt failed for another reason (its binding): tried again after its back-off. */
    public synchronized void retry(String key) {
        int n = attempts.merge(key, 1, Integer::sum);
        where.put(key, "backoff");
        backoff.add(new Waiting(key, System.nanoTime() + backoffFor(n).toNanos()));
        notifyAll();
    }

    /** A cluster event that may make parked pods fit: they go back, through their back-off. */
    public synchronized void moveAllToActiveOrBackoff() {
        long now = System.nanoTime();
        for (Iterator<String> it = unschedulable.keySet().iterator(); it.hasNext(); ) {
            String key = it.next();
            it.remove();
            where.put(key, "backoff");
            backoff.add(new Waiting(key, now + backoffFor(attempts.getOrDefault(key, 1)).toNanos()));
        }
        notifyAll();
    }

    /** The next pod to schedule, waiting for one; null once closed. */
    public synchronized String pop() throws InterruptedException {
        while (true) {
            if (closed) {
                return null;
            }
            long now = System.nanoTime();
            flush(now);
            String key = active.pollFirst();
            if (key != null) {
                where.remove(key);
                return key;
            }
            long wait = backoff.isEmpty() ? 1000 : Math.max(1, (backoff.peek().until - now) / 1_000_000);
            wait(Math.min(wait, 1000));
        }
    }

    public synchronized int pending() {
        return where.size();
    }

    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void flush(long now) {
        while (!backoff.isEmpty() && backoff.peek().until <= now) {
            String key = backoff.poll().key;
            where.put(key, "active");
            active.addLast(key);
        }
        if (now - lastParkedCheck < 1_000_000_000L) {
            return;
        }
        lastParkedCheck = now;
        long parkedLimit = now - PARKED_AT_MOST.toNanos();
        for (Iterator<Map.Entry<String, Long>> it = unschedulable.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() < parkedLimit) {
                it.remove();
                where.put(e.getKey(), "active");
                active.addLast(e.getKey());
            }
        }
    }

    private Duration backoffFor(int attempt) {
        long nanos = initialBackoff.toNanos() << Math.min(20, Math.max(0, attempt - 1));
        return nanos > maxBackoff.toNanos() || nanos <= 0 ? maxBackoff : Duration.ofNanos(nanos);
    }
}
