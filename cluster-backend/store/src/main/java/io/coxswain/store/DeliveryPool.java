package io.coxswain.store;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run watch listeners. Normally one per core, since handing 1,000 deliveries to 1,000
 * threads costs more in wake-ups than the deliveries themselves. But a listener may block, and it keeps its
 * thread while it does; so when queued deliveries make no progress for a tick, the pool adds a thread, and
 * it gives the extra threads back once they idle.
 */
public final class DeliveryPool implements Executor, AutoCloseable {

    private static final long TICK_MILLIS = 20;

    private final int base;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService monitor;
    private long lastCompleted = -1;

    public DeliveryPool(String name) {
        base = Math.max(2, Runtime.getRuntime().availableProcessors());
        pool = new ThreadPoolExecutor(base, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads(name));
        monitor = new ScheduledThreadPoolExecutor(1, daemonThreads(name + "-monitor"));
        monitor.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long completed = pool.getCompletedTaskCount();
        boolean stalled = completed == lastCompleted && !pool.getQueue().isEmpty()
                && pool.getActiveCount() >= pool.getCorePoolSize();
        if (stalled) {
            pool.setCorePoolSize(pool.getCorePoolSize() + 1);
        } else if (pool.getQueue().isEmpty() && pool.getCorePoolSize() > base) {
            // Blocked threads finish their task and then time out; idle ones go after a second.
            pool.setCorePoolSize(Math.max(base, pool.getActiveCount()));
        }
        lastCompleted = completed;
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    public int threads() {
        return pool.getPoolSize();
    }

    @Override
    public void close() {
        monitor.shutdownNow();
        pool.shutdown();
    }

    public static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
