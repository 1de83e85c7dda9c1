package io.coxswain.store.etcd;

import io.coxswain.store.CompactedException;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchDelivery;
import io.coxswain.store.WatchEvent;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One store watch over jetcd watchers. jetcd's own reconnect may resume from the creation header's revision
 * and skip events, so this class reconnects itself, always from the revision after the last event received.
 */
final class EtcdWatch implements Watch {
    private static final long RECONNECT_DELAY_MS = 300;

    private final io.etcd.jetcd.Watch client;
    private final ByteSequence key;
    private final ByteSequence rangeEnd;
    private final WatchDelivery delivery;
    private final ScheduledExecutorService scheduler;
    private final Consumer<EtcdWatch> onClose;

    // guarded by this
    private long next;
    private boolean closed;
    private Callbacks active;
    private io.etcd.jetcd.Watch.Watcher current;

    EtcdWatch(io.etcd.jetcd.Watch client, ByteSequence key, ByteSequence rangeEnd, WatchDelivery delivery,
              ScheduledExecutorService scheduler, Consumer<EtcdWatch> onClose) {
        this.client = client;
        this.key = key;
        this.rangeEnd = rangeEnd;
        this.delivery = delivery;
        this.scheduler = scheduler;
        this.onClose = onClose;
    }

    synchronized void start(long fromRevision) {
        next = fromRevision;
        delivery.startingAt(fromRevision);
        open();
    }

    /** The watch could not even start (for instance, "now" could not be read). */
    synchronized void failToStart(Throwable t) {
        if (!closed) {
            closed = true;
            delivery.fail(EtcdErrors.map("watch", t));
        }
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        WatchOption option = WatchOption.builder().withRange(rangeEnd).withRevision(next).withPrevKV(true).build();
        active = new Callbacks();
        try {
            current = client.watch(key, option, active);
        } catch (RuntimeException e) { // the client was closed under us
            closed = true;
            active = null;
            delivery.fail(EtcdErrors.map("watch", e));
        }
    }

    @Override
    public void close() {
        io.etcd.jetcd.Watch.Watcher watcher;
        synchronized (this) {
            closed = true;
            active = null;
            watcher = current;
            current = null;
        }
        delivery.stop();
        onClose.accept(this);
        if (watcher != null) {
            watcher.close(); // outside our lock: jetcd calls back into Callbacks under its own lock
        }
    }

    /** Retires the current jetcd watcher (asynchronously: we may be inside its callback) and maybe reopens. */
    private void retire(boolean reopen) {
        io.etcd.jetcd.Watch.Watcher old = current;
        active = null;
        current = null;
        try {
            scheduler.execute(() -> {
                if (old != null) {
                    old.close();
                }
            });
            if (reopen) {
                scheduler.schedule(this::open, RECONNECT_DELAY_MS, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            closed = true; // the store is closing
        }
    }

    private final class Callbacks implements io.etcd.jetcd.Watch.Listener {

        @Override
        public void onNext(WatchResponse response) {
            synchronized (EtcdWatch.this) {
                if (active != this || closed) {
                    return;
                }
                List<WatchEvent> events = new ArrayList<>();
                for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
                    WatchEvent event = toEvent(e);
                    if (event != null) {
                        events.add(event);
                        next = event.revision() + 1;
                    }
                }
                if (!events.isEmpty() && !delivery.offer(events, true)) {
                    closed = true; // overflowed: the delivery reports it
                    retire(false);
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            synchronized (EtcdWatch.this) {
                if (active != this || closed) {
                    return;
                }
                Throwable t = EtcdErrors.unwrap(error);
                if (t instanceof io.etcd.jetcd.common.exception.CompactedException compacted) {
                    closed = true;
                    retire(false);
                    delivery.fail(new CompactedException(next, compacted.getCompactedRevision()));
                } else if (EtcdErrors.isTransient(t)) {
                    retire(true);
                } else {
                    closed = true;
                    retire(false);
                    delivery.fail(EtcdErrors.map("watch", t));
                }
            }
        }

        @Override
        public void onCompleted() {
            synchronized (EtcdWatch.this) {
                if (active == this && !closed) {
                    retire(true); // the server ended the stream without a reason: carry on from where we are
                }
            }
        }
    }

    static WatchEvent toEvent(io.etcd.jetcd.watch.WatchEvent e) {
        io.etcd.jetcd.KeyValue raw = e.getKeyValue();
        io.etcd.jetcd.KeyValue rawPrev = e.getPrevKV();
        KeyValue prev = rawPrev == null || rawPrev.getModRevision() == 0 ? null : EtcdStore.toKv(rawPrev);
        return switch (e.getEventType()) {
            case PUT -> new WatchEvent(WatchEvent.Type.PUT, EtcdStore.toKv(raw), prev);
            case DELETE -> new WatchEvent(WatchEvent.Type.DELETE, EtcdStore.deleted(raw, prev), prev);
            default -> null;
        };
    }
}
