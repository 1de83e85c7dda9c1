package io.coxswain.client;

import java.time.Duration;
import java.util.List;

/** The longest wait of several limiters. */
public final class MaxOfRateLimiter<T> implements RateLimiter<T> {

    private final List<RateLimiter<T>> limiters;

    @SafeVarargs
    public MaxOfRateLimiter(RateLimiter<T>... limiters) {
        this.limiters = List.of(limiters);
    }

    @Override
    public Duration when(T item) {
        Duration longest = Duration.ZERO;
        for (RateLimiter<T> l : limiters) {
            Duration d = l.when(item);
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest;
    }

    @Override
    public void forget(T item) {
        limiters.forEach(l -> l.forget(item));
    }

    @Override
    public int retries(T item) {
        return limiters.stream().mapToInt(l -> l.retries(item)).max().orElse(0);
    }
}
