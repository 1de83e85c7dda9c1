package io.coxswain.tests.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/** Closed-loop clients: each of N threads takes the next index and starts it only when its previous one is done. */
public final class ClosedLoop {

    /** One request; an exception counts as a failure of that step. */
    public interface Step {
        void run(int index) throws Exception;
    }

    private ClosedLoop() {
    }

    /** Runs steps 0 to total-1 on this many threads; returns what failed, one message a step. */
    public static List<String> run(int clients, int total, Step step) throws InterruptedException {
        return loop(clients, i -> i < total, step);
    }

    /** Runs steps 0, 1, 2... on this many threads until the time is up (a step under way finishes); returns what failed. */
    public static List<String> runFor(int clients, Duration duration, Step step) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        return loop(clients, i -> System.nanoTime() < deadline, step);
    }

    private static List<String> loop(int clients, IntPredicate more, Step step) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                int i;
                while (more.test(i = next.getAndIncrement())) {
                    try {
                        step.run(i);
                    } catch (Exception e) {
                        failures.add(e.getMessage() == null ? e.toString() : e.getMessage());
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return new ArrayList<>(failures);
    }
}
