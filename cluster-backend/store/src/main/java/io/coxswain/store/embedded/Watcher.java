package io.coxswain.store.embedded;

import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import io.coxswain.store.WatchOverflowException;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One watch: a bounded queue between the commit thread and the listener, drained on a shared pool so that
 * a slow listener delays only itself. When the queue is full the watcher stops taking events; it delivers
 * what it holds, then a {@link WatchOverflowException} that says where to resume.
 */
final class Watcher implements Watch {

    private final String prefix;
    private final long fromRevision;
    private final WatchListener listener;
    private final Executor executor;
    private final int capacity;
    private final Runnable onClose;
    private final ConcurrentLinkedQueue<WatchEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;
    private volatile StoreException pendingError;
    private boolean errorSent;
    private long lastQueuedRevision;

    Watcher(String prefix, long fromRevision, WatchListener listener, Executor executor, int capacity, Runnable onClose) {
        this.prefix = prefix;
        this.fromRevision = fromRevision;
        this.listener = listener;
        this.executor = executor;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    String prefix() {
        return prefix;
    }

    /** Queues an event from the commit thread; returns false once the watcher no longer takes events. */
    boolean offer(WatchEvent event, boolean enforceCapacity) {
        if (closed || pendingError != null) {
            return false;
        }
        if (event.revision() < fromRevision) {
            return true;
        }
        if (enforceCapacity && size.get() >= capacity) {
            fail(new WatchOverflowException(size.get(), lastQueuedRevision + 1));
            return false;
        }
        queue.add(event);
        size.incrementAndGet();
        lastQueuedRevision = event.revision();
        schedule();
        return true;
    }

    /** Ends the watch with an error, after the events already queued. */
    void fail(StoreException error) {
        pendingError = error;
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            WatchEvent event;
            while (!closed && (event = queue.poll()) != null) {
                size.decrementAndGet();
                listener.onEvent(event);
            }
            if (!closed && pendingError != null && queue.isEmpty() && !errorSent) {
                errorSent = true;
                closed = true;
                onClose.run();
                listener.onError(pendingError);
            }
        } catch (RuntimeException e) {
            // A listener that throws has stopped listening.
            close();
        } finally {
            scheduled.set(false);
        }
        if (!closed && (!queue.isEmpty() || (pendingError != null && !errorSent))) {
            schedule();
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.clear();
            onClose.run();
        }
    }
}
