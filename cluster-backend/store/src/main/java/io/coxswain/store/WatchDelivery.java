package io.coxswain.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands one watch's events to its listener in order, one at a time, on a pool thread, so that neither the
 * commit thread nor gRPC's event loop ever waits for a listener. The queue is bounded: when it is full the
 * delivery takes no more events, hands over the ones it holds, then a {@link WatchOverflowException} that
 * names the revision to resume from. It ends with at most one error.
 */
public final class WatchDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(WatchDelivery.class);

    private final WatchListener listener;
    private final Executor executor;
    private final int capacity;
    private final ArrayDeque<WatchEvent> pending = new ArrayDeque<>();
    private StoreException error;
    private boolean draining;
    private boolean stopped;
    private long lastQueued;

    /** @param executor should grow with demand: a listener that blocks keeps its thread */
    public WatchDelivery(WatchListener listener, Executor executor, int capacity) {
        this.listener = listener;
        this.executor = executor;
        this.capacity = capacity;
    }

    /** Where an overflow before the first event tells the listener to resume. */
    public synchronized void startingAt(long revision) {
        lastQueued = revision - 1;
    }

    /**
     * Queues events in order; false once the delivery takes no more (stopped, failed or full).
     *
     * @param bounded false for a watch's starting backlog, which the history already bounds
     */
    public synchronized boolean offer(List<WatchEvent> events, boolean bounded) {
        if (stopped || error != null) {
            return false;
        }
        if (bounded && pending.size() + events.size() > capacity) {
            fail(new WatchOverflowException(pending.size(), lastQueued + 1));
            return false;
        }
        pending.addAll(events);
        if (!events.isEmpty()) {
            lastQueued = events.get(events.size() - 1).revision();
        }
        kick();
        return true;
    }

    public boolean offer(WatchEvent event) {
        return offer(List.of(event), true);
    }

    /** Ends the watch with an error, after the events already queued. */
    public synchronized void fail(StoreException e) {
        if (!stopped && error == null) {
            error = e;
            kick();
        }
    }

    /** Stops delivery: nothing more reaches the listener once the event in hand (if any) returns. */
    public synchronized void stop() {
        stopped = true;
        pending.clear();
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    private void kick() {
        if (!draining) {
            draining = true;
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                stopped = true; // the store is closing
            }
        }
    }

    private void drain() {
        while (true) {
            WatchEvent event;
            StoreException failure = null;
            synchronized (this) {
                event = stopped ? null : pending.poll();
                if (event == null && !stopped && error != null) {
                    failure = error;
                    stopped = true;
                } else if (event == null) {
                    draining = false;
                    return;
                }
            }
            try {
                if (event != null) {
                    listener.onEvent(event);
                } else {
                    listener.onError(failure);
                }
            } catch (RuntimeException e) {
                LOG.warn("watch listener threw; delivery goes on", e);
            }
        }
    }
}
