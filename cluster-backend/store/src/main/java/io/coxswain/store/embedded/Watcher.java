package io.coxswain.store.embedded;

import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchDelivery;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;

import java.util.List;
import java.util.concurrent.Executor;

/** One watch on the embedded store: the prefix and start it asked for, and its delivery to the listener. */
final class Watcher implements Watch {

    private final String prefix;
    private final long fromRevision;
    private final WatchDelivery delivery;
    private final Runnable onClose;

    Watcher(String prefix, long fromRevision, WatchListener listener, Executor executor, int capacity, Runnable onClose) {
        this.prefix = prefix;
        this.fromRevision = fromRevision;
        this.onClose = onClose;
        WatchListener closing = new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                listener.onEvent(event);
            }

            @Override
            public void onError(StoreException error) {
                onClose.run();
                listener.onError(error);
            }
        };
        this.delivery = new WatchDelivery(closing, executor, capacity);
        delivery.startingAt(fromRevision);
    }

    String prefix() {
        return prefix;
    }

    /** Queues a live event from the commit thread; events before the watch's start are not its business. */
    void offer(WatchEvent event) {
        if (event.revision() >= fromRevision) {
            delivery.offer(event);
        }
    }

    void replay(List<WatchEvent> backlog) {
        delivery.offer(backlog, false);
    }

    void fail(StoreException error) {
        delivery.fail(error);
    }

    boolean isClosed() {
        return delivery.isStopped();
    }

    @Override
    public void close() {
        delivery.stop();
        onClose.run();
    }
}
