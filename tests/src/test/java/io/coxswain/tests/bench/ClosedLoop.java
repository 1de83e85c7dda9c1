package io.coxswain.tests.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

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
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
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
