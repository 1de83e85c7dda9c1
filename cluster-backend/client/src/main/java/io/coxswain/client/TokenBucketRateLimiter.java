package io.coxswain.client;

import java.time.Duration;

/** One bucket for every item: a steady rate with a burst, as client-go's BucketRateLimiter. */
public final class TokenBucketRateLimiter<T> implements RateLimiter<T> {

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    public TokenBucketRateLimiter(double perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes a token now, or reserves the next one: the wait until it is there. */
    @Override
    public synchronized Duration when(T item) {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        tokens -= 1;
        if (tokens >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) (-tokens / perSecond * 1e9));
    }

    @Override
    public void forget(T item) {
    }

    @Override
    public int retries(T item) {
        return 0;
    }
}
