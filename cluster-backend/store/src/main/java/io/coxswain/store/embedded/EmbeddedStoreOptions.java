package io.coxswain.store.embedded;

import java.time.Duration;

/**
 * Tuning of the embedded store.
 *
 * @param historyMinEvents   a watch can always start this many revisions back
 * @param historyMaxEvents   the most events kept for watches, whatever their age
 * @param historyMinAge      a watch can start from anything younger than this, up to historyMaxEvents
 * @param watcherBuffer      events a watcher may fall behind before it gets a WatchOverflowException
 * @param maxBatch           the most writes that share one durable commit
 * @param autoCompactEvery   how often old versions beyond the watch history are dropped; zero to never
 */
public record EmbeddedStoreOptions(int historyMinEvents, int historyMaxEvents, Duration historyMinAge, int watcherBuffer,
                                   int maxBatch, Duration autoCompactEvery) {

    public static EmbeddedStoreOptions defaults() {
        return new EmbeddedStoreOptions(10_000, 200_000, Duration.ofMinutes(5), 10_000, 1_000, Duration.ofMinutes(1));
    }

    public EmbeddedStoreOptions withWatcherBuffer(int events) {
        return new EmbeddedStoreOptions(historyMinEvents, historyMaxEvents, historyMinAge, events, maxBatch, autoCompactEvery);
    }

    public EmbeddedStoreOptions withHistory(int minEvents, int maxEvents, Duration minAge) {
        return new EmbeddedStoreOptions(minEvents, maxEvents, minAge, watcherBuffer, maxBatch, autoCompactEvery);
    }
}
