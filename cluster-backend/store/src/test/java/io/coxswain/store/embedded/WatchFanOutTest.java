package io.coxswain.store.embedded;

import io.coxswain.store.KeyValue;
import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import io.coxswain.store.WatchOverflowException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watch fan-out of the embedded store: many watchers all receive every event, in order, exactly once; a slow
 * watcher delays neither the writers nor the other watchers; its buffer is bounded, and when it overflows it
 * gets a {@link WatchOverflowException} after the events it holds and can resume where it stopped.
 *
 * <p>No timing is asserted: the awaits only bound how long the test waits for something that must happen.
 */
class WatchFanOutTest {

    private static final long AWAIT_MILLIS = 30_000;

    @TempDir
    Path dataDir;

    /** Records what one watch delivers and checks, as it goes, that revisions only grow. */
    private static final class Recorder implements WatchListener {
        final String prefix;
        final CountDownLatch gate;
        final long[] revisions;
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger entered = new AtomicInteger();
        volatile int count;
        volatile long hash = 1;
        volatile StoreException error;
        volatile int errorsDelivered;
        volatile int eventsAfterError;

        Recorder(String prefix, int capacity, CountDownLatch gate) {
            this.prefix = prefix;
            this.revisions = new long[capacity];
            this.gate = gate;
        }

        @Override
        public void onEvent(WatchEvent event) {
            entered.incrementAndGet();
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    violations.add("interrupted while held");
                    return;
                }
            }
            if (error != null) {
                eventsAfterError++;
            }
            int n = count;
            long revision = event.revision();
            if (!event.kv().key().startsWith(prefix)) {
                violations.add("event for " + event.kv().key() + " at " + revision + " outside " + prefix);
            }
            if (n > 0 && revision <= revisions[Math.min(n, revisions.length) - 1]) {
                violations.add("revision " + revision + " after " + revisions[Math.min(n, revisions.length) - 1]);
            }
            if (n < revisions.length) {
                revisions[n] = revision;
            } else {
                violations.add("more events than expected: " + revision);
            }
            hash = hash * 31 + eventHash(event);
            count = n + 1;
        }

        @Override
        public void onError(StoreException e) {
            error = e;
            errorsDelivered++;
        }

        long[] revisions() {
            return Arrays.copyOf(revisions, Math.min(count, revisions.length));
        }
    }

    private static long eventHash(WatchEvent e) {
        KeyValue kv = e.kv();
        long h = e.type().ordinal();
        h = h * 31 + kv.key().hashCode();
        h = h * 31 + Arrays.hashCode(kv.value());
        h = h * 31 + kv.createRevision();
        h = h * 31 + kv.modRevision();
        h = h * 31 + kv.version();
        return h * 31 + (e.prevKv() == null ? 0 : e.prevKv().modRevision());
    }

    /** The hash a recorder reaches after the given writes' events, in revision order. */
    private static long expectedHash(List<WatchEvent> events) {
        long h = 1;
        for (WatchEvent e : events) {
            h = h * 31 + eventHash(e);
        }
        return h;
    }

    private static long[] revisionsOf(List<WatchEvent> events) {
        return events.stream().mapToLong(WatchEvent::revision).toArray();
    }

    private static byte[] value(String key, int i) {
        return ("{\"key\":\"" + key + "\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code perThread} times from each of {@code threads} threads under {@code prefix}, each write waiting
     * for its acknowledgement; every fourth write updates (CAS) the thread's previous key. Returns the events the
     * writes make, in revision order.
     */
    private static List<WatchEvent> write(EmbeddedStore store, String prefix, int threads, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<WatchEvent>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<WatchEvent> made = new ArrayList<>();
                    KeyValue last = null;
                    for (int i = 0; i < perThread; i++) {
                        if (i % 4 == 3 && last != null) {
                            KeyValue kv = store.update(last.key(), value(last.key(), i), last.modRevision())
                                    .get(AWAIT_MILLIS, TimeUnit.MILLISECONDS);
                            made.add(new WatchEvent(WatchEvent.Type.PUT, kv, last));
                            last = kv;
                        } else {
                            String key = prefix + thread + "/" + i;
                            KeyValue kv = store.create(key, value(key, i)).get(AWAIT_MILLIS, TimeUnit.MILLISECONDS);
                            made.add(new WatchEvent(WatchEvent.Type.PUT, kv, null));
                            last = kv;
                        }
                    }
                    return made;
                }));
            }
            List<WatchEvent> all = new ArrayList<>();
            for (Future<List<WatchEvent>> f : futures) {
                all.addAll(f.get(2 * AWAIT_MILLIS, TimeUnit.MILLISECONDS));
            }
            all.sort(Comparator.comparingLong(WatchEvent::revision));
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static WatchEvent create(EmbeddedStore store, String key) {
        KeyValue kv = store.create(key, value(key, -1)).join();
        return new WatchEvent(WatchEvent.Type.PUT, kv, null);
    }

    private static void assertReceivedExactly(Recorder r, List<WatchEvent> expected, String who) {
        assertThat(r.violations).as("%s: violations", who).isEmpty();
        assertThat(r.error).as("%s: error", who).isNull();
        assertThat(r.count).as("%s: events received", who).isEqualTo(expected.size());
        assertThat(r.revisions()).as("%s: revisions", who).containsExactly(revisionsOf(expected));
        assertThat(r.hash).as("%s: events' content", who).isEqualTo(expectedHash(expected));
    }

    @Test
    void aThousandWatchersReceiveEveryEventInOrder() throws Exception {
        int watchers = 1_000;
        int others = 10;
        try (EmbeddedStore store = EmbeddedStore.open(dataDir)) {
            List<Recorder> a = new ArrayList<>();
            List<Recorder> b = new ArrayList<>();
            List<Watch> watches = new ArrayList<>();
            for (int i = 0; i < watchers; i++) {
                Recorder r = new Recorder("/fan/a/", 2_100, null);
                a.add(r);
                watches.add(store.watch("/fan/a/", 0, r));
            }
            for (int i = 0; i < others; i++) {
                Recorder r = new Recorder("/fan/b/", 200, null);
                b.add(r);
                watches.add(store.watch("/fan/b/", 0, r));
            }

            long t0 = System.nanoTime();
            List<WatchEvent> aWrites = write(store, "/fan/a/", 8, 250);
            long written = System.nanoTime();
            // Only /fan/a/ was written: its revisions are 1..2000 with no gap.
            assertThat(revisionsOf(aWrites)).containsExactly(java.util.stream.LongStream.rangeClosed(1, 2_000).toArray());
            assertThat(await(() -> a.stream().allMatch(r -> r.count >= aWrites.size() || r.error != null)))
                    .as("every /fan/a/ watcher got %d events (least: %d)", aWrites.size(),
                            a.stream().mapToInt(r -> r.count).min().orElse(0))
                    .isTrue();
            long delivered = System.nanoTime();

            // Then the other prefix, and a last write to each: any event delivered to the wrong watchers would
            // arrive before these, so the counts below are exact.
            List<WatchEvent> bWrites = new ArrayList<>(write(store, "/fan/b/", 2, 50));
            List<WatchEvent> aExpected = new ArrayList<>(aWrites);
            aExpected.add(create(store, "/fan/a/fence"));
            bWrites.add(create(store, "/fan/b/fence"));
            assertThat(await(() -> a.stream().allMatch(r -> r.count >= aExpected.size() || r.error != null)
                    && b.stream().allMatch(r -> r.count >= bWrites.size() || r.error != null))).isTrue();

            for (int i = 0; i < a.size(); i++) {
                assertReceivedExactly(a.get(i), aExpected, "/fan/a/ watcher " + i);
            }
            for (int i = 0; i < b.size(); i++) {
                assertReceivedExactly(b.get(i), bWrites, "/fan/b/ watcher " + i);
            }
            long events = (long) watchers * aExpected.size() + (long) others * bWrites.size();
            System.out.printf("fan-out: %d writes committed in %d ms; %d watchers had all %d events %d ms after the"
                            + " first write; %d events delivered in all, all in order, none missing or repeated%n",
                    aWrites.size(), (written - t0) / 1_000_000, watchers, aWrites.size(), (delivered - t0) / 1_000_000,
                    events);
            watches.forEach(Watch::close);
        }
    }

    @Test
    void aSlowWatcherBlocksNobodyThenOverflowsAndResumes() throws Exception {
        int buffer = 100;
        int fastCount = 10;
        try (EmbeddedStore store = EmbeddedStore.open(dataDir, EmbeddedStoreOptions.defaults().withWatcherBuffer(buffer))) {
            CountDownLatch gate = new CountDownLatch(1);
            Recorder slow = new Recorder("/slow/", 1_100, gate);
            List<Recorder> fast = new ArrayList<>();
            try {
                store.watch("/slow/", 0, slow);
                for (int i = 0; i < fastCount; i++) {
                    Recorder r = new Recorder("/slow/", 1_100, null);
                    fast.add(r);
                    store.watch("/slow/", 0, r);
                }

                // Every write is acknowledged while the slow watcher sits on its first event.
                long t0 = System.nanoTime();
                List<WatchEvent> writes = write(store, "/slow/", 2, 500);
                long written = System.nanoTime();
                assertThat(revisionsOf(writes)).containsExactly(java.util.stream.LongStream.rangeClosed(1, 1_000).toArray());
                assertThat(gate.getCount()).as("the slow watcher is still held").isEqualTo(1);
                assertThat(slow.entered.get()).as("the slow watcher is stuck in its first event").isEqualTo(1);
                assertThat(slow.count).isZero();

                // ... and the fast watchers got everything, without waiting for it either.
                assertThat(await(() -> fast.stream().allMatch(r -> r.count >= writes.size() || r.error != null)))
                        .as("the fast watchers got every event while the slow one was held").isTrue();
                for (int i = 0; i < fast.size(); i++) {
                    assertReceivedExactly(fast.get(i), writes, "fast watcher " + i);
                }
                assertThat(gate.getCount()).isEqualTo(1);
                long fastDone = System.nanoTime();

                // Let it go: it gets what its bounded buffer held, in order, then the overflow.
                gate.countDown();
                assertThat(await(() -> slow.error != null)).as("the slow watcher was told it overflowed").isTrue();
                assertThat(slow.violations).isEmpty();
                assertThat(slow.error).isInstanceOf(WatchOverflowException.class);
                long[] got = slow.revisions();
                // One event in the listener's hands plus at most a full buffer.
                assertThat(got.length).as("events the slow watcher held").isBetween(buffer, buffer + 1);
                assertThat(got).containsExactly(Arrays.copyOf(revisionsOf(writes), got.length));
                assertThat(slow.hash).isEqualTo(expectedHash(writes.subList(0, got.length)));
                long resume = ((WatchOverflowException) slow.error).resumeRevision();
                assertThat(resume).as("resume revision").isEqualTo(got[got.length - 1] + 1);
                Thread.sleep(100); // nothing may follow the error
                assertThat(slow.count).isEqualTo(got.length);
                assertThat(slow.errorsDelivered).isEqualTo(1);
                assertThat(slow.eventsAfterError).isZero();

                // Resuming from there delivers the rest: no gap, no duplicate, up to the last revision, then live.
                Recorder resumed = new Recorder("/slow/", 1_100, null);
                try (Watch w = store.watch("/slow/", resume, resumed)) {
                    List<WatchEvent> rest = new ArrayList<>(writes.subList(got.length, writes.size()));
                    assertThat(await(() -> resumed.count >= rest.size() || resumed.error != null)).isTrue();
                    assertReceivedExactly(resumed, rest, "resumed watcher");
                    assertThat(resumed.revisions()[rest.size() - 1]).isEqualTo(writes.get(writes.size() - 1).revision());
                    rest.add(create(store, "/slow/after"));
                    assertThat(await(() -> resumed.count >= rest.size() || resumed.error != null)).isTrue();
                    assertReceivedExactly(resumed, rest, "resumed watcher, live");
                }
                System.out.printf("slow watcher: %d writes acknowledged in %d ms while it was held; %d fast watchers had"
                                + " all %d events after %d ms; the slow one got %d (buffer %d) then %s; the resumed watch"
                                + " got the other %d and a live one%n",
                        writes.size(), (written - t0) / 1_000_000, fastCount, writes.size(),
                        (fastDone - t0) / 1_000_000, got.length, buffer, slow.error.getMessage(),
                        writes.size() - got.length);
            } finally {
                gate.countDown();
            }
        }
    }

    /**
     * "A slow watcher never blocks the other watchers" must hold for each slow watcher, not only for the first:
     * as many stuck listeners as the store has delivery threads must not stop delivery to everybody else.
     */
    @Test
    void severalSlowWatchersDoNotStallTheOthers() throws Exception {
        int slowCount = Math.max(2, Runtime.getRuntime().availableProcessors()) + 1;
        int fastCount = 10;
        try (EmbeddedStore store = EmbeddedStore.open(dataDir)) {
            CountDownLatch gate = new CountDownLatch(1);
            List<Recorder> slow = new ArrayList<>();
            List<Recorder> fast = new ArrayList<>();
            try {
                for (int i = 0; i < slowCount; i++) {
                    Recorder r = new Recorder("/many-slow/", 300, gate);
                    slow.add(r);
                    store.watch("/many-slow/", 0, r);
                }
                for (int i = 0; i < fastCount; i++) {
                    Recorder r = new Recorder("/many-slow/", 300, null);
                    fast.add(r);
                    store.watch("/many-slow/", 0, r);
                }
                List<WatchEvent> writes = write(store, "/many-slow/", 2, 100);
                boolean delivered = await(() -> fast.stream().allMatch(r -> r.count >= writes.size() || r.error != null));
                System.out.printf("several slow watchers: %d held (%d of them inside a listener call); the %d fast"
                                + " watchers got %s of %d events%n", slowCount,
                        slow.stream().filter(r -> r.entered.get() > 0).count(), fastCount,
                        fast.stream().map(r -> r.count).toList(), writes.size());
                assertThat(delivered).as("the fast watchers got every event while %d slow ones were held (they got %s)",
                        slowCount, fast.stream().map(r -> r.count).toList()).isTrue();
                for (int i = 0; i < fast.size(); i++) {
                    assertReceivedExactly(fast.get(i), writes, "fast watcher " + i);
                }
            } finally {
                gate.countDown();
            }
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
