package io.coxswain.client;

import java.time.Duration;

/** How long an item waits before it is retried, as client-go's workqueue.RateLimiter. */
public interface RateLimiter<T> {

    Duration when(T item);

    /** The item succeeded: its own back-off starts over. */
    void forget(T item);

    int retries(T item);

    /**
     * client-go's default controller limiter: the larger of a per-item exponential back-off from 5 ms to 1000 s and
     * an overall token bucket of 10 per second with a burst of 100.
     */
    static <T> RateLimiter<T> controllerDefault() {
        return new MaxOfRateLimiter<>(new ItemExponentialRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000)),
                new TokenBucketRateLimiter<>(10, 100));
    }
}
