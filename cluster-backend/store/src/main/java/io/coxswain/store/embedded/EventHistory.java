package io.coxswain.store.embedded;

import io.coxswain.store.WatchEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent events a watch can start from. It keeps at least the last {@code minEvents} revisions, and
 * anything younger than {@code minAgeMillis}, up to {@code maxEvents}. Guarded by the hub's lock.
 */
final class EventHistory {

    private record Entry(WatchEvent event, long addedAtMillis) {
    }

    private final ArrayDeque<Entry> events = new ArrayDeque<>();
    private final int minEvents;
    private final int maxEvents;
    private final long minAgeMillis;

    EventHistory(int minEvents, int maxEvents, long minAgeMillis) {
        this.minEvents = minEvents;
        this.maxEvents = Math.max(minEvents, maxEvents);
        this.minAgeMillis = minAgeMillis;
    }

    void add(WatchEvent event, long nowMillis) {
        events.addLast(new Entry(event, nowMillis));
        while (events.size() > maxEvents
                || (events.size() > minEvents && nowMillis - events.peekFirst().addedAtMillis() > minAgeMillis)) {
            events.pollFirst();
        }
    }

    /** The revision of the oldest event kept, or 0 when there is none. */
    long oldestRevision() {
        return events.isEmpty() ? 0 : events.peekFirst().event().revision();
    }

    /** Events at or after {@code revision}, in order. */
    List<WatchEvent> since(long revision) {
        List<WatchEvent> out = new ArrayList<>();
        var it = events.descendingIterator();
        while (it.hasNext()) {
            WatchEvent e = it.next().event();
            if (e.revision() < revision) {
                break;
            }
            out.add(e);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Forgets events older than {@code revision}; the event at it stays, as etcd keeps it. */
    void dropBefore(long revision) {
        while (!events.isEmpty() && events.peekFirst().event().revision() < revision) {
            events.pollFirst();
        }
    }
}
