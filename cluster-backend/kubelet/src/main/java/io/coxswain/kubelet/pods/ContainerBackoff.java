package io.coxswain.kubelet.pods;

import java.time.Duration;
import java.time.Instant;

/**
 * The kubelet's back-off for one container's restarts or one image's pulls, as kubelet's flowcontrol.Backoff
 * works: a delay that starts at the base and doubles up to the cap. A container's first restart is at once;
 * after a container ran for the reset period the delay starts over.
 */
final class ContainerBackoff {

    private final Duration base;
    private final Duration max;
    private final Duration reset;
    private Duration delay = Duration.ZERO;

    ContainerBackoff(Duration base, Duration max, Duration reset) {
        this.base = base;
        this.max = max;
        this.reset = reset;
    }

    /** When a retry after a failure at {@code failedAt} may happen; at or before now means at once. */
    synchronized Instant retryAt(Instant failedAt, Duration ranFor) {
        if (ranFor != null && ranFor.compareTo(reset) >= 0) {
            delay = Duration.ZERO;
        }
        return failedAt.plus(delay);
    }

    synchronized Duration delay() {
        return delay;
    }

    /** Records a retry: the next one waits longer. */
    synchronized void step() {
        delay = delay.isZero() ? base : min(delay.multipliedBy(2), max);
    }

    synchronized void clear() {
        delay = Duration.ZERO;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
