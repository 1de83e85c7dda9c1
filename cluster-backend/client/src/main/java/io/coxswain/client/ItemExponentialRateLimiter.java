package io.coxswain.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** base × 2^failures, capped: each item's own back-off. */
public final class ItemExponentialRateLimiter<T> implements RateLimiter<T> {

    private final Duration base;
    private final Duration max;
    private final Map<T, Integer> failures = new ConcurrentHashMap<>();

    public ItemExponentialRateLimiter(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    @Override
    public Duration when(T item) {
        int n = failures.merge(item, 1, Integer::sum) - 1;
        if (n >= 62) {
            return max;
        }
        double nanos = base.toNanos() * Math.pow(2, n);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    @Override
    public void forget(T item) {
        failures.remove(item);
    }

    @Override
    public int retries(T item) {
        return failures.getOrDefault(item, 0);
    }
}
