package io.coxswain.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The behaviour every {@link Store} shares. Subclasses give a fresh, empty store per test. Nothing here
 * assumes absolute revision numbers: only their order and that each committed write adds exactly one.
 */
public abstract class StoreConformanceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PODS = "/registry/pods/";

    protected Store store;

    /** A fresh store holding no keys (its revision may start anywhere). */
    protected abstract Store newStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---- reads and writes

    @Test
    void getOfMissingKeyIsEmpty() {
        assertThat(await(store.get(PODS + "nope"))).isEmpty();
    }

    @Test
    void createThenGet() {
        KeyValue created = await(store.create(PODS + "a", bytes("{\"v\":1}")));
        assertThat(created.key()).isEqualTo(PODS + "a");
        assertThat(created.valueAsString()).isEqualTo("{\"v\":1}");
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.createRevision()).isEqualTo(created.modRevision());
        assertThat(await(store.get(PODS + "a"))).contains(created);
    }

    @Test
    void createOfExistingKeyFails() {
        KeyValue first = await(store.create(PODS + "a", bytes("1")));
        assertThat(failure(() -> store.create(PODS + "a", bytes("2")))).isInstanceOf(KeyExistsException.class);
        assertThat(await(store.get(PODS + "a"))).contains(first);
    }

    @Test
    void updateKeepsCreateRevisionAndCountsVersions() {
        KeyValue v1 = await(store.create(PODS + "a", bytes("1")));
        KeyValue v2 = await(store.update(PODS + "a", bytes("2"), v1.modRevision()));
        KeyValue v3 = await(store.update(PODS + "a", bytes("3"), v2.modRevision()));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v3.version()).isEqualTo(3);
        assertThat(v3.createRevision()).isEqualTo(v1.createRevision());
        assertThat(v2.modRevision()).isGreaterThan(v1.modRevision());
        assertThat(v3.modRevision()).isGreaterThan(v2.modRevision());
        assertThat(await(store.get(PODS + "a"))).contains(v3);
    }

    @Test
    void updateOnStaleRevisionConflicts() {
        KeyValue v1 = await(store.create(PODS + "a", bytes("1")));
        KeyValue v2 = await(store.update(PODS + "a", bytes("2"), v1.modRevision()));
        long before = await(store.currentRevision());
        StoreException e = failure(() -> store.update(PODS + "a", bytes("3"), v1.modRevision()));
        assertThat(e).isInstanceOf(ConflictException.class);
        assertThat(((ConflictException) e).actualModRevision()).isEqualTo(v2.modRevision());
        assertThat(await(store.get(PODS + "a"))).contains(v2);
        assertThat(await(store.currentRevision())).as("a failed write commits nothing").isEqualTo(before);
    }

    @Test
    void deleteReturnsThePriorValueAtTheDeletionRevision() {
        KeyValue v1 = await(store.create(PODS + "a", bytes("1")));
        KeyValue v2 = await(store.update(PODS + "a", bytes("2"), v1.modRevision()));
        KeyValue gone = await(store.delete(PODS + "a", v2.modRevision()));
        assertThat(gone.key()).isEqualTo(PODS + "a");
        assertThat(gone.valueAsString()).isEqualTo("2");
        assertThat(gone.createRevision()).isEqualTo(v1.createRevision());
        assertThat(gone.version()).isEqualTo(2);
        assertThat(gone.modRevision()).isEqualTo(v2.modRevision() + 1).isEqualTo(await(store.currentRevision()));
        assertThat(await(store.get(PODS + "a"))).isEmpty();

        KeyValue again = await(store.create(PODS + "a", bytes("new")));
        assertThat(again.version()).as("a re-created key starts over").isEqualTo(1);
        assertThat(again.createRevision()).isGreaterThan(gone.modRevision());
    }

    @Test
    void unconditionalDeleteAndStaleDelete() {
        KeyValue a = await(store.create(PODS + "a", bytes("1")));
        KeyValue a2 = await(store.update(PODS + "a", bytes("2"), a.modRevision()));
        StoreException stale = failure(() -> store.delete(PODS + "a", a.modRevision()));
        assertThat(stale).isInstanceOf(ConflictException.class);
        assertThat(((ConflictException) stale).actualModRevision()).isEqualTo(a2.modRevision());
        assertThat(await(store.delete(PODS + "a", 0)).valueAsString()).isEqualTo("2");
        assertThat(failure(() -> store.delete(PODS + "a", 0))).isInstanceOf(KeyNotFoundException.class);
    }

    @Test
    void eachCommittedWriteAddsOneToTheRevision() {
        long start = await(store.currentRevision());
        KeyValue a = await(store.create(PODS + "a", bytes("1")));
        KeyValue b = await(store.update(PODS + "a", bytes("2"), a.modRevision()));
        KeyValue c = await(store.create(PODS + "b", bytes("3")));
        KeyValue d = await(store.delete(PODS + "a", 0));
        assertThat(List.of(a.modRevision(), b.modRevision(), c.modRevision(), d.modRevision()))
                .containsExactly(start + 1, start + 2, start + 3, start + 4);
        failure(() -> store.create(PODS + "b", bytes("x")));
        failure(() -> store.delete(PODS + "a", 0));
        assertThat(await(store.currentRevision())).isEqualTo(start + 4);
    }

    // ---- lists, counts, prefixes

    @Test
    void listReturnsAllKeysInOrderWithLimitZero() {
        for (String name : List.of("c", "a", "b")) {
            await(store.create(PODS + name, bytes(name)));
        }
        ListResult all = await(store.list(PODS, 0, null));
        assertThat(keys(all.items())).containsExactly(PODS + "a", PODS + "b", PODS + "c");
        assertThat(all.continueToken()).isNull();
        assertThat(all.remaining()).isZero();
        assertThat(all.revision()).isEqualTo(await(store.currentRevision()));

        ListResult exact = await(store.list(PODS, 3, null));
        assertThat(exact.items()).hasSize(3);
        assertThat(exact.continueToken()).as("a page that holds the rest is the last").isNull();
        assertThat(exact.remaining()).isZero();
        assertThat(await(store.list("/registry/none/", 0, null)).items()).isEmpty();
    }

    @Test
    void pagesCarryTokensAndRemainingCounts() {
        for (int i = 0; i < 7; i++) {
            await(store.create(PODS + "p" + i, bytes("v" + i)));
        }
        ListResult p1 = await(store.list(PODS, 3, null));
        ListResult p2 = await(store.list(PODS, 3, p1.continueToken()));
        ListResult p3 = await(store.list(PODS, 3, p2.continueToken()));
        assertThat(List.of(p1.remaining(), p2.remaining(), p3.remaining())).containsExactly(4L, 1L, 0L);
        assertThat(p3.continueToken()).isNull();
        assertThat(List.of(p1.revision(), p2.revision(), p3.revision())).containsOnly(p1.revision());
        List<String> all = new ArrayList<>(keys(p1.items()));
        all.addAll(keys(p2.items()));
        all.addAll(keys(p3.items()));
        assertThat(all).containsExactly(PODS + "p0", PODS + "p1", PODS + "p2", PODS + "p3", PODS + "p4", PODS + "p5", PODS + "p6");
    }

    @Test
    void pagingAcrossConcurrentWritesServesOneSnapshot() throws Exception {
        TreeMap<String, String> state = new TreeMap<>();
        for (int i = 0; i < 25; i++) {
            String key = String.format("%sns/p%03d", PODS, i * 4);
            await(store.create(key, bytes("v0-" + i)));
            state.put(key, "v0-" + i);
        }
        // The writer records each acknowledged change with its revision, so the snapshot at any revision is known.
        record Change(long revision, String key, String value) { }
        List<Change> changes = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> writer = pool.submit(() -> {
            for (int i = 0; !stop.get(); i++) {
                String existing = String.format("%sns/p%03d", PODS, (i % 25) * 4);
                switch (i % 3) {
                    case 0 -> { // a new key, landing between the existing ones
                        String key = String.format("%sns/p%03d-%d", PODS, (i * 7) % 100, i);
                        changes.add(new Change(await(store.create(key, bytes("new-" + i))).modRevision(), key, "new-" + i));
                    }
                    case 1 -> {
                        Optional<KeyValue> kv = await(store.get(existing));
                        if (kv.isPresent()) {
                            KeyValue d = await(store.delete(existing, 0));
                            changes.add(new Change(d.modRevision(), existing, null));
                        }
                    }
                    default -> {
                        Optional<KeyValue> kv = await(store.get(existing));
                        if (kv.isPresent()) {
                            KeyValue u = await(store.update(existing, bytes("upd-" + i), kv.get().modRevision()));
                            changes.add(new Change(u.modRevision(), existing, "upd-" + i));
                        }
                    }
                }
            }
            return null;
        });
        try {
            waitUntil(() -> changes.size() >= 3, "the writer to start");
            List<ListResult> pages = new ArrayList<>();
            String token = null;
            do {
                int seen = changes.size();
                ListResult page = await(store.list(PODS, 10, token));
                pages.add(page);
                token = page.continueToken();
                waitUntil(() -> changes.size() >= seen + 3, "more concurrent writes between pages");
            } while (token != null);
            stop.set(true);
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            long at = pages.get(0).revision();
            for (Change c : changes) {
                if (c.revision() <= at) {
                    if (c.value() == null) {
                        state.remove(c.key());
                    } else {
                        state.put(c.key(), c.value());
                    }
                }
            }
            List<String> listed = new ArrayList<>();
            int served = 0;
            for (ListResult page : pages) {
                assertThat(page.revision()).isEqualTo(at);
                served += page.items().size();
                assertThat(page.remaining()).isEqualTo(state.size() - served);
                page.items().forEach(kv -> listed.add(kv.key() + "=" + kv.valueAsString()));
            }
            List<String> expected = state.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            assertThat(listed).containsExactlyElementsOf(expected);
            assertThat(changes.stream().anyMatch(c -> c.revision() > at)).as("writes happened during paging").isTrue();
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    void countsAndPrefixIsolation() {
        await(store.create("/registry/pods/a", bytes("1")));
        await(store.create("/registry/pods/b", bytes("2")));
        await(store.create("/registry/podsx/c", bytes("3")));
        await(store.create("/registry/pods", bytes("4")));
        await(store.create("/registry/pod/d", bytes("5")));
        assertThat(keys(await(store.list("/registry/pods/", 0, null)).items()))
                .containsExactly("/registry/pods/a", "/registry/pods/b");
        assertThat(await(store.count("/registry/pods/"))).isEqualTo(2);
        assertThat(await(store.count("/registry/podsx/"))).isEqualTo(1);
        assertThat(await(store.count("/registry/"))).isEqualTo(5);
        assertThat(await(store.count("/nothing/"))).isZero();
        ListResult paged = await(store.list("/registry/pods/", 1, null));
        assertThat(paged.remaining()).isEqualTo(1);
        assertThat(keys(await(store.list("/registry/pods/", 1, paged.continueToken())).items()))
                .containsExactly("/registry/pods/b");
        await(store.delete("/registry/pods/a", 0));
        assertThat(await(store.count("/registry/pods/"))).isEqualTo(1);
    }

    // ---- compare-and-swap under contention

    @Test
    void concurrentCompareAndSwapLosesNoIncrement() throws Exception {
        String key = "/registry/counters/c";
        await(store.create(key, bytes("0")));
        int threads = 8;
        int perThread = 25;
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            KeyValue kv = await(store.get(key)).orElseThrow();
                            int n = Integer.parseInt(kv.valueAsString());
                            try {
                                await(store.update(key, bytes(String.valueOf(n + 1)), kv.modRevision()));
                                successes.incrementAndGet();
                                break;
                            } catch (ConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        KeyValue last = await(store.get(key)).orElseThrow();
        System.out.printf("[%s] CAS: %d increments, %d conflicts retried%n", getClass().getSimpleName(),
                successes.get(), conflicts.get());
        assertThat(last.valueAsString()).isEqualTo(String.valueOf(threads * perThread));
        assertThat(successes.get()).isEqualTo(threads * perThread);
        assertThat(last.version()).isEqualTo(threads * perThread + 1);
    }

    // ---- watches

    @Test
    void watchFromPastRevisionReplaysHistoryExactly() {
        long start = await(store.currentRevision());
        KeyValue a1 = await(store.create(PODS + "a", bytes("a1")));
        await(store.create("/registry/podsx/x", bytes("other"))); // outside the prefix
        KeyValue a2 = await(store.update(PODS + "a", bytes("a2"), a1.modRevision()));
        KeyValue b1 = await(store.create(PODS + "b", bytes("b1")));
        await(store.create("/registry/pods", bytes("not under the prefix either")));
        KeyValue aGone = await(store.delete(PODS + "a", 0));
        KeyValue b2 = await(store.update(PODS + "b", bytes("b2"), b1.modRevision()));

        Recorder rec = new Recorder();
        try (Watch ignored = store.watch(PODS, start + 1, rec)) {
            List<WatchEvent> events = rec.awaitEvents(5);
            assertThat(events).extracting(WatchEvent::type).containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.PUT,
                    WatchEvent.Type.PUT, WatchEvent.Type.DELETE, WatchEvent.Type.PUT);
            assertThat(events).extracting(WatchEvent::kv).containsExactly(a1, a2, b1, aGone, b2);
            assertThat(events).extracting(WatchEvent::revision).containsExactly(a1.modRevision(), a2.modRevision(),
                    b1.modRevision(), aGone.modRevision(), b2.modRevision());
            assertThat(events.get(0).prevKv()).as("a create has no previous version").isNull();
            assertThat(events.get(1).prevKv()).isEqualTo(a1);
            assertThat(events.get(3).prevKv()).as("a delete carries the deleted version").isEqualTo(a2);
            assertThat(events.get(3).kv().valueAsString()).isEqualTo("a2");
            assertThat(events.get(4).prevKv()).isEqualTo(b1);
            rec.assertSerial();
            assertThat(rec.errors).isEmpty();
        }
    }

    @Test
    void watchFromZeroSeesOnlyLaterWrites() {
        await(store.create(PODS + "before", bytes("0")));
        Recorder rec = new Recorder();
        try (Watch ignored = store.watch(PODS, 0, rec)) {
            KeyValue later = await(store.create(PODS + "after", bytes("1")));
            await(store.create("/registry/podsx/after", bytes("elsewhere")));
            KeyValue again = await(store.update(PODS + "after", bytes("2"), later.modRevision()));
            List<WatchEvent> events = rec.awaitEvents(2);
            assertThat(events).extracting(WatchEvent::kv).containsExactly(later, again);
        }
    }

    /**
     * "After now" is the revision at the call, even if the store learns it later: a write sent right after
     * watch() returns must be seen. (The etcd store once read "now" after such writes, about a third of the time.)
     */
    @Test
    void watchFromZeroSeesAWriteSentRightAfterIt() {
        for (int i = 0; i < 100; i++) {
            Recorder rec = new Recorder();
            try (Watch ignored = store.watch(PODS + i + "/", 0, rec)) {
                KeyValue written = await(store.create(PODS + i + "/k", bytes("v")));
                assertThat(rec.awaitEvents(1)).as("round " + i).extracting(WatchEvent::kv).containsExactly(written);
            }
        }
    }

    @Test
    void resumingAfterCloseLeavesNoGapsAndNoDuplicates() {
        long start = await(store.currentRevision());
        List<KeyValue> written = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written.add(await(store.create(PODS + "k" + i, bytes("v" + i))));
        }
        // The listener closes its own watch after 4 events: delivery must stop right there.
        AtomicReference<Watch> self = new AtomicReference<>();
        Recorder first = new Recorder() {
            @Override
            public void onEvent(WatchEvent event) {
                super.onEvent(event);
                if (events.size() == 4) {
                    waitUntil(() -> self.get() != null, "the watch handle");
                    self.get().close();
                }
            }
        };
        self.set(store.watch(PODS, start + 1, first));
        first.awaitEvents(4);
        for (int i = 10; i < 20; i++) {
            written.add(await(store.update(PODS + "k" + (i - 10), bytes("w" + i), written.get(i - 10).modRevision())));
        }
        Recorder second = new Recorder();
        long resumeAt = first.events.get(first.events.size() - 1).revision() + 1;
        try (Watch ignored = store.watch(PODS, resumeAt, second)) {
            second.awaitEvents(16);
        }
        assertThat(first.events).as("nothing after close").hasSize(4);
        List<KeyValue> seen = new ArrayList<>();
        first.events.forEach(e -> seen.add(e.kv()));
        second.events.forEach(e -> seen.add(e.kv()));
        assertThat(seen).containsExactlyElementsOf(written);
        first.assertSerial();
        second.assertSerial();
    }

    @Test
    void watchFromCompactedRevisionFailsOnce() throws Exception {
        long start = await(store.currentRevision());
        KeyValue a = await(store.create(PODS + "a", bytes("1")));
        await(store.update(PODS + "a", bytes("2"), a.modRevision()));
        await(store.create(PODS + "b", bytes("3")));
        long compactAt = await(store.currentRevision());
        await(store.compact(compactAt));

        Recorder rec = new Recorder();
        try (Watch ignored = store.watch(PODS, start + 1, rec)) {
            StoreException e = rec.awaitError();
            assertThat(e).isInstanceOf(CompactedException.class);
            assertThat(((CompactedException) e).requested()).isEqualTo(start + 1);
            assertThat(((CompactedException) e).oldestAvailable()).isEqualTo(compactAt);
            await(store.create(PODS + "c", bytes("4"))); // a failed watch stays failed
            Thread.sleep(300);
            assertThat(rec.errors).hasSize(1);
            assertThat(rec.events).isEmpty();
        }
        // The compacted revision itself and everything after it can still be watched.
        Recorder fresh = new Recorder();
        try (Watch ignored = store.watch(PODS, compactAt + 1, fresh)) {
            assertThat(fresh.awaitEvents(1).get(0).kv().key()).isEqualTo(PODS + "c");
            assertThat(fresh.errors).isEmpty();
        }
    }

    @Test
    void listWithTokenFromCompactedRevisionFails() {
        for (int i = 0; i < 5; i++) {
            await(store.create(PODS + "p" + i, bytes("v" + i)));
        }
        ListResult first = await(store.list(PODS, 2, null));
        KeyValue p0 = await(store.get(PODS + "p0")).orElseThrow();
        await(store.update(PODS + "p0", bytes("changed"), p0.modRevision()));
        long compactAt = await(store.currentRevision());
        await(store.compact(compactAt));

        StoreException e = failure(() -> store.list(PODS, 2, first.continueToken()));
        assertThat(e).isInstanceOf(CompactedException.class);
        assertThat(((CompactedException) e).requested()).isEqualTo(first.revision());
        assertThat(((CompactedException) e).oldestAvailable()).isEqualTo(compactAt);
        // The latest state is untouched by compaction.
        assertThat(await(store.get(PODS + "p0")).orElseThrow().valueAsString()).isEqualTo("changed");
        assertThat(await(store.list(PODS, 0, null)).items()).hasSize(5);
        assertThat(await(store.count(PODS))).isEqualTo(5);
    }

    // ---- bad input: typed errors, before any I/O, through the future

    @Test
    void valueOverTheLimitIsRejected() {
        byte[] tooBig = new byte[Keys.MAX_VALUE_BYTES + 1];
        KeyValue a = await(store.create(PODS + "a", bytes("1")));
        long before = await(store.currentRevision());
        assertThat(failure(() -> store.create(PODS + "big", tooBig))).isInstanceOf(ValueTooLargeException.class);
        assertThat(failure(() -> store.update(PODS + "a", tooBig, a.modRevision()))).isInstanceOf(ValueTooLargeException.class);
        assertThat(await(store.currentRevision())).isEqualTo(before);
        KeyValue atLimit = await(store.create(PODS + "limit", new byte[Keys.MAX_VALUE_BYTES]));
        assertThat(atLimit.value()).hasSize(Keys.MAX_VALUE_BYTES);
    }

    @Test
    void emptyAndMalformedKeysAreRejected() {
        for (String bad : Arrays.asList("", null, "registry/pods/a", "/a\0b", "/" + "k".repeat(Keys.MAX_KEY_BYTES))) {
            assertThat(failure(() -> store.get(bad))).as("get %s", bad).isInstanceOf(InvalidKeyException.class);
            assertThat(failure(() -> store.create(bad, bytes("1")))).isInstanceOf(InvalidKeyException.class);
            assertThat(failure(() -> store.update(bad, bytes("1"), 1))).isInstanceOf(InvalidKeyException.class);
            assertThat(failure(() -> store.delete(bad, 0))).isInstanceOf(InvalidKeyException.class);
        }
        assertThat(failure(() -> store.create(PODS + "a", null))).isInstanceOf(InvalidKeyException.class);
        for (String bad : Arrays.asList("", "/registry/pods", "registry/pods/")) {
            assertThat(failure(() -> store.list(bad, 0, null))).as("list %s", bad).isInstanceOf(InvalidKeyException.class);
            assertThat(failure(() -> store.count(bad))).isInstanceOf(InvalidKeyException.class);
            assertThatThrownBy(() -> store.watch(bad, 0, new Recorder())).as("watch %s", bad)
                    .isInstanceOf(InvalidKeyException.class);
        }
    }

    @Test
    void malformedOrForeignContinueTokensAreRejected() {
        for (int i = 0; i < 3; i++) {
            await(store.create(PODS + "p" + i, bytes("v")));
        }
        String token = await(store.list(PODS, 1, null)).continueToken();
        assertThat(failure(() -> store.list(PODS, 1, "not-a-token"))).isInstanceOf(InvalidKeyException.class);
        assertThat(failure(() -> store.list("/registry/services/", 1, token))).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void compareAndSwapOnMissingKeyIsNotFound() {
        long before = await(store.currentRevision());
        assertThat(failure(() -> store.update(PODS + "ghost", bytes("1"), 1))).isInstanceOf(KeyNotFoundException.class);
        assertThat(failure(() -> store.update(PODS + "ghost", bytes("1"), 0))).isInstanceOf(KeyNotFoundException.class);
        assertThat(failure(() -> store.delete(PODS + "ghost", 1))).isInstanceOf(KeyNotFoundException.class);
        assertThat(failure(() -> store.delete(PODS + "ghost", 0))).isInstanceOf(KeyNotFoundException.class);
        assertThat(await(store.get(PODS + "ghost"))).isEmpty();
        assertThat(await(store.currentRevision())).isEqualTo(before);
    }

    // ---- helpers

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static List<String> keys(List<KeyValue> kvs) {
        return kvs.stream().map(KeyValue::key).toList();
    }

    /** The result, or the store's own exception rethrown as is. */
    protected static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The call must return a future (not throw) that fails with a StoreException. */
    protected static StoreException failure(Supplier<CompletableFuture<?>> call) {
        CompletableFuture<?> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            throw new AssertionError("the call threw instead of failing its future", e);
        }
        try {
            Object value = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected a failure, got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreException.class);
            return (StoreException) e.getCause();
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        }
    }

    protected static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Records a watch's callbacks and checks they never overlap. */
    protected static class Recorder implements WatchListener {
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();
        final List<StoreException> errors = new CopyOnWriteArrayList<>();
        private final AtomicInteger inside = new AtomicInteger();
        private final AtomicBoolean overlapped = new AtomicBoolean();

        @Override
        public void onEvent(WatchEvent event) {
            enter();
            events.add(event);
            inside.decrementAndGet();
        }

        @Override
        public void onError(StoreException error) {
            enter();
            errors.add(error);
            inside.decrementAndGet();
        }

        private void enter() {
            if (inside.incrementAndGet() > 1) {
                overlapped.set(true);
            }
        }

        List<WatchEvent> awaitEvents(int n) {
            waitUntil(() -> events.size() >= n || !errors.isEmpty(), n + " watch events (have " + events.size() + ")");
            assertThat(errors).as("watch errors").isEmpty();
            return List.copyOf(events);
        }

        StoreException awaitError() {
            waitUntil(() -> !errors.isEmpty(), "a watch error");
            return errors.get(0);
        }

        void assertSerial() {
            assertThat(overlapped).as("listener called from two threads at once").isFalse();
            List<Long> revisions = events.stream().map(WatchEvent::revision).toList();
            assertThat(revisions).isSorted().doesNotHaveDuplicates();
        }
    }
}
