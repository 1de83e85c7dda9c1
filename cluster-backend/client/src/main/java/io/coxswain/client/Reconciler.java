package io.coxswain.client;

import java.time.Duration;

/** A controller's level-triggered sync of one key ({@code namespace/name}, or {@code name} for cluster objects). */
@FunctionalInterface
public interface Reconciler {

    /** @return when to look again even without an event (a deadline, a delay), or null for only on events */
    Duration reconcile(String key) throws Exception;
}
