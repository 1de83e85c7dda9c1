package io.coxswain.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sample-controller loop: informer handlers only enqueue keys; N workers take a key, reconcile it, forget its
 * back-off on success and re-add it rate-limited on failure. Workers start after every informer has synced.
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final String name;
    private final int workers;
    private final Reconciler reconciler;
    private final WorkQueue<String> queue;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> owned = new ArrayList<>();

    public Controller(String name, int workers, Reconciler reconciler) {
        this(name, workers, reconciler, RateLimiter.controllerDefault());
    }

    public Controller(String name, int workers, Reconciler reconciler, RateLimiter<String> limiter) {
        this.name = name;
        this.workers = workers;
        this.reconciler = reconciler;
        this.queue = new WorkQueue<>(name, limiter);
    }

    public WorkQueue<String> queue() {
        return queue;
    }

    public void enqueue(String key) {
        queue.add(key);
    }

    /** Adds an informer whose objects map to keys of this controller (their own key, or an owner's). */
    public <T extends HasMetadata> Controller watch(SharedIndexInformer<T> informer, Function<T, List<String>> keys) {
        informers.add(informer);
        Consumer<T> enqueue = o -> keys.apply(o).forEach(queue::add);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                enqueue.accept(oldObj);
                enqueue.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                enqueue.accept(obj);
            }
        });
        return this;
    }

    /**
     * Adds an informer whose events need more than a key each (expectations observe creations and deletions);
     * the handler calls {@link #enqueue} itself.
     */
    public <T extends HasMetadata> Controller watch(SharedIndexInformer<T> informer, ResourceEventHandler<T> handler) {
        informers.add(informer);
        informer.addEventHandler(handler);
        return this;
    }

    /** Adds a key after a delay (a pod that becomes available once minReadySeconds have passed). */
    public void enqueueAfter(String key, Duration delay) {
        queue.addAfter(key, delay);
    }

    /** Its own key for an object: {@code namespace/name}, or {@code name} when it has no namespace. */
    public static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? o.getMetadata().getName() : ns + "/" + o.getMetadata().getName();
    }

    /** Waits for the informers' first lists, then starts the workers. */
    public void start() {
        for (SharedIndexInformer<?> informer : informers) {
            if (!informer.isRunning()) {
                informer.start().toCompletableFuture().join();
            } else {
                awaitSynced(informer);
            }
        }
        for (int i = 0; i < workers; i++) {
            Thread t = DaemonThreads.named(name + "-worker-" + i).newThread(this::work);
            t.start();
            threads.add(t);
        }
    }

    private static void awaitSynced(SharedIndexInformer<?> informer) {
        while (!informer.hasSynced()) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void work() {
        while (true) {
            String key;
            try {
                key = queue.get();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                Duration again = reconciler.reconcile(key);
                queue.forget(key);
                if (again != null) {
                    queue.addAfter(key, again);
                }
            } catch (Exception e) {
                if (!queue.isShuttingDown()) {
                    LOG.info("{}: syncing {} failed (retry {}): {}", name, key, queue.retries(key) + 1, e.toString());
                    queue.addRateLimited(key);
                }
            } finally {
                queue.done(key);
            }
        }
    }

    /** Something the reconciler uses (an event recorder, say) that ends with this controller. */
    public Controller owning(AutoCloseable resource) {
        owned.add(resource);
        return this;
    }

    @Override
    public void close() {
        queue.shutDown();
        threads.forEach(Thread::interrupt);
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("{}: closing {} failed: {}", name, resource, e.toString());
            }
        }
    }
}
