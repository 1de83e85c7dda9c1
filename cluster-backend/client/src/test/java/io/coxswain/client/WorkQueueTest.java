package io.coxswain.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class WorkQueueTest {

    @Test
    void anItemAddedTwiceIsQueuedOnce() throws Exception {
        try (WorkQueue<String> q = new WorkQueue<>("t", RateLimiter.controllerDefault())) {
            q.add("a");
            q.add("b");
            q.add("a");
            assertThat(q.length()).isEqualTo(2);
            assertThat(q.get()).isEqualTo("a");
            assertThat(q.get()).isEqualTo("b");
            assertThat(q.length()).isZero();
        }
    }

    @Test
    void anItemAddedWhileProcessingComesBackOnlyAfterDone() throws Exception {
        try (WorkQueue<String> q = new WorkQueue<>("t", RateLimiter.controllerDefault())) {
            q.add("a");
            String held = q.get();
            q.add("a");
            q.add("a");
            assertThat(q.length()).as("not handed to a second worker while held").isZero();
            q.done(held);
            assertThat(q.length()).isEqualTo(1);
            assertThat(q.get()).isEqualTo("a");
        }
    }

    @Test
    void noTwoWorkersEverHoldTheSameKey() throws Exception {
        try (WorkQueue<String> q = new WorkQueue<>("t", RateLimiter.controllerDefault())) {
            AtomicInteger holding = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger processed = new AtomicInteger();
            List<Thread> workers = new CopyOnWriteArrayList<>();
            for (int w = 0; w < 4; w++) {
                Thread t = new Thread(() -> {
                    try {
                        String k;
                        while ((k = q.get()) != null) {
                            if (holding.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            Thread.sleep(1);
                            holding.decrementAndGet();
                            processed.incrementAndGet();
                            q.done(k);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                workers.add(t);
            }
            for (int i = 0; i < 500; i++) {
                q.add("same");
                Thread.sleep(0, 200_000);
            }
            Thread.sleep(100);
            q.shutDown();
            for (Thread t : workers) {
                t.join(5000);
            }
            assertThat(overlaps.get()).isZero();
            assertThat(processed.get()).isBetween(1, 500);
        }
    }

    @Test
    void failuresBackOffExponentiallyAndForgetResets() {
        ItemExponentialRateLimiter<String> l = new ItemExponentialRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000));
        assertThat(l.when("x")).isEqualTo(Duration.ofMillis(5));
        assertThat(l.when("x")).isEqualTo(Duration.ofMillis(10));
        assertThat(l.when("x")).isEqualTo(Duration.ofMillis(20));
        assertThat(l.retries("x")).isEqualTo(3);
        for (int i = 0; i < 40; i++) {
            l.when("x");
        }
        assertThat(l.when("x")).isEqualTo(Duration.ofSeconds(1000));
        l.forget("x");
        assertThat(l.when("x")).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void theTokenBucketLetsABurstThroughThenPaces() {
        TokenBucketRateLimiter<String> l = new TokenBucketRateLimiter<>(10, 100);
        for (int i = 0; i < 100; i++) {
            assertThat(l.when("k" + i)).isZero();
        }
        assertThat(l.when("next")).isGreaterThan(Duration.ofMillis(50));
    }

    @Test
    void addRateLimitedComesBackAfterTheDelay() throws Exception {
        try (WorkQueue<String> q = new WorkQueue<>("t", new ItemExponentialRateLimiter<>(Duration.ofMillis(50), Duration.ofSeconds(1)))) {
            CountDownLatch got = new CountDownLatch(1);
            q.addRateLimited("late");
            assertThat(q.length()).isZero();
            Thread t = new Thread(() -> {
                try {
                    if ("late".equals(q.get())) {
                        got.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            assertThat(got.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
