package io.coxswain.store.etcd;

import io.coxswain.store.StoreException;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import io.coxswain.store.WatchOverflowException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands one watch's events to its listener in order, one at a time, on a pool thread: never on gRPC's event
 * loop, so a slow or blocking listener cannot stall the client. Ends with at most one error.
 */
final class WatchDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(WatchDelivery.class);
    static final int MAX_BUFFERED = 100_000;

    private final WatchListener listener;
    private final Executor executor;
    private final ArrayDeque<WatchEvent> pending = new ArrayDeque<>();
    private StoreException error;
    private boolean draining;
    private boolean stopped;
    private long resumeFrom;

    WatchDelivery(WatchListener listener, Executor executor) {
        this.listener = listener;
        this.executor = executor;
    }

    synchronized void startingAt(long revision) {
        resumeFrom = revision;
    }

    /** Queues events; false when the listener has fallen too far behind and the watch failed instead. */
    synchronized boolean offer(List<WatchEvent> events) {
        if (stopped || error != null) {
            return false;
        }
        if (pending.size() + events.size() > MAX_BUFFERED) {
            int buffered = pending.size();
            pending.clear();
            fail(new WatchOverflowException(buffered, resumeFrom));
            return false;
        }
        pending.addAll(events);
        kick();
        return true;
    }

    /** Ends the watch with an error, after the events already queued. */
    synchronized void fail(StoreException e) {
        if (!stopped && error == null) {
            error = e;
            kick();
        }
    }

    /** Stops delivery: nothing more reaches the listener once the event in hand (if any) returns. */
    synchronized void stop() {
        stopped = true;
        pending.clear();
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
                if (event != null) {
                    resumeFrom = event.revision() + 1;
                } else if (!stopped && error != null) {
                    failure = error;
                    stopped = true;
                } else {
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
