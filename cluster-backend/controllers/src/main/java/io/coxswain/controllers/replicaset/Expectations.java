package io.coxswain.controllers.replicaset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * UIDTrackingControllerExpectations: how many pod creations and which pod deletions a ReplicaSet still waits to
 * see in its informer. While some are outstanding the sync does not create or delete, so a cache that lags behind
 * the controller's own writes never makes it create twice. Expectations older than five minutes are given up.
 */
final class Expectations {

    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final class Pending {
        int adds;
        final Set<String> deletes = new HashSet<>();
        Instant since;
    }

    private final Map<String, Pending> byOwner = new ConcurrentHashMap<>();
    private final Clock clock;

    Expectations(Clock clock) {
        this.clock = clock;
    }

    /** Whether the owner may act: nothing outstanding, never recorded, or waited for too long. */
    boolean satisfied(String owner) {
        Pending p = byOwner.get(owner);
        if (p == null) {
            return true;
        }
        synchronized (p) {
            return (p.adds <= 0 && p.deletes.isEmpty()) || p.since.plus(TIMEOUT).isBefore(clock.instant());
        }
    }

    void expectCreations(String owner, int count) {
        Pending p = new Pending();
        p.adds = count;
        p.since = clock.instant();
        byOwner.put(owner, p);
    }

    /** @param pods keys ({@code namespace/name}) of the pods about to be deleted */
    void expectDeletions(String owner, Set<String> pods) {
        Pending p = new Pending();
        p.deletes.addAll(pods);
        p.since = clock.instant();
        byOwner.put(owner, p);
    }

    void creationObserved(String owner) {
        Pending p = byOwner.get(owner);
        if (p != null) {
            synchronized (p) {
                p.adds--;
            }
        }
    }

    /** Idempotent: a pod seen with a deletionTimestamp and then gone counts once. */
    void deletionObserved(String owner, String pod) {
        Pending p = byOwner.get(owner);
        if (p != null) {
            synchronized (p) {
                p.deletes.remove(pod);
            }
        }
    }

    void forget(String owner) {
        byOwner.remove(owner);
    }
}
