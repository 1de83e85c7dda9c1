package io.coxswain.store.embedded;

import io.coxswain.store.KeyValue;
import io.coxswain.store.ListResult;
import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Crash safety of the embedded store: a child JVM ({@link CrashWriter}) writes from 8 threads and prints every
 * acknowledged write; the test kills it with SIGKILL mid-stream, reopens the store and checks what survived.
 *
 * <h2>The invariants</h2>
 * The workload has no deletes, so the log holds one row for every committed revision and the store keeps the
 * whole history (it is far below the history window, and the child lives far shorter than the auto-compaction
 * period). After the crash, with R the recovered current revision:
 * <ol>
 *   <li><b>Every acknowledged write survived, with its value.</b> A watch from revision 1 replays the log; the
 *       event at each acknowledged revision is the acknowledged key, with a value whose SHA-256 is the acknowledged
 *       one. For a created key the live value is exactly the acknowledged one (created keys are never written
 *       again); for a shared key (updated by compare-and-swap) the live version is at least as new as its
 *       newest acknowledgement.</li>
 *   <li><b>No gaps.</b> The replayed events carry exactly the revisions 1..R, each once, in order. Besides, the
 *       live state is exactly what replaying those events gives, so the created keys' create revisions plus the
 *       shared keys' update revisions are 1..R too.</li>
 *   <li><b>No partial record and no torn group.</b> Every value, live or in history, is a whole record that
 *       checksums and names its own key. Writer t enqueues /crash/t/0, /crash/t/1, ... in order and the store
 *       commits its queue in order, group by group, atomically; so for every writer the recovered keys are a
 *       prefix 0..m of its sequence with increasing revisions, and m covers every acknowledged one.</li>
 *   <li><b>Life goes on.</b> The store reopens a second time with the same state and takes new writes at
 *       R+1, R+2, ...; a third opening finds them.</li>
 * </ol>
 */
class EmbeddedStoreCrashTest {

    private static final int RUNS = 20;
    private static final int MIN_ACKS = 200;
    private static final int MAX_ACKS = 3000;
    private static final long AWAIT_MILLIS = 60_000;
    private static final Pattern ACK = Pattern.compile("ACK (\\S+) (\\d+) ([0-9a-f]{64}) \\.");
    private static final Pattern CREATED_KEY = Pattern.compile("/crash/(\\d+)/(\\d+)");

    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final AtomicLong totalAcks = new AtomicLong();
    private static final AtomicLong totalKeys = new AtomicLong();
    private static final AtomicLong totalRevisions = new AtomicLong();
    private static final AtomicLong totalUnacked = new AtomicLong();
    private static final AtomicInteger runsDone = new AtomicInteger();
    private static final long started = System.nanoTime();

    private record Ack(String key, long revision, String sha256) {
    }

    @RepeatedTest(RUNS)
    void everyAcknowledgedWriteSurvivesSigkill(RepetitionInfo repetition, @TempDir Path tmp) throws Exception {
        long seed = SEED + repetition.getCurrentRepetition();
        int target = MIN_ACKS + new Random(seed).nextInt(MAX_ACKS - MIN_ACKS + 1);
        Path dataDir = tmp.resolve("data");
        long t0 = System.nanoTime();

        List<Ack> acks = runAndKill(dataDir, tmp, seed, target);
        long killedAtMillis = (System.nanoTime() - t0) / 1_000_000;

        Recovered first = recoverAndCheck(dataDir, acks);
        long revision = first.revision;
        reopenAndWrite(dataDir, first);

        int createAcks = (int) acks.stream().filter(a -> a.key.startsWith(CrashWriter.CREATE_PREFIX)).count();
        long unacked = first.createdKeys - createAcks;
        System.out.printf("crash run %2d (seed %d): killed after %d acks (target %d) at %d ms; recovered %d keys,"
                        + " revision %d, %d committed creates without a printed ack; %d ms in all%n",
                repetition.getCurrentRepetition(), seed, acks.size(), target, killedAtMillis, first.liveKeys, revision,
                unacked, (System.nanoTime() - t0) / 1_000_000);
        totalAcks.addAndGet(acks.size());
        totalKeys.addAndGet(first.liveKeys);
        totalRevisions.addAndGet(revision);
        totalUnacked.addAndGet(unacked);
        runsDone.incrementAndGet();
    }

    @AfterAll
    static void summary() {
        System.out.printf("crash test: %d runs, %d acks checked, %d keys and %d revisions recovered, %d committed"
                        + " writes whose ack the kill cut off; %.1f s%n", runsDone.get(), totalAcks.get(), totalKeys.get(),
                totalRevisions.get(), totalUnacked.get(), (System.nanoTime() - started) / 1e9);
    }

    /** Starts the writer, waits for {@code target} acks, kills it with SIGKILL and returns every ack it printed. */
    private static List<Ack> runAndKill(Path dataDir, Path tmp, long seed, int target) throws Exception {
        Path nativeDir = Files.createDirectories(tmp.resolve("native"));
        Path stdout = tmp.resolve("writer.stdout");
        Path stderr = tmp.resolve("writer.stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.sqlite.tmpdir=" + nativeDir, "-cp", classPath(), CrashWriter.class.getName(),
                dataDir.toString(), Long.toString(seed));
        // stdout goes to a file, not a pipe: a pipe's reader races the JDK's draining of it when the child dies.
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process child = pb.start();
        child.getOutputStream().close();

        NewlineCounter acked = new NewlineCounter(stdout);
        try {
            boolean reached = await(() -> acked.count() >= target || !child.isAlive(), AWAIT_MILLIS);
            if (!child.isAlive() || !reached) {
                fail("the writer %s before printing %d acks (it printed %d); stderr:%n%s",
                        child.isAlive() ? "was too slow" : "exited with " + child.exitValue(), target, acked.count(),
                        Files.readString(stderr));
            }
            child.destroyForcibly(); // SIGKILL on Linux, to our own child only
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the writer died").isTrue();
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        assertThat(child.exitValue()).as("the writer's exit status (128 + SIGKILL)").isEqualTo(137);
        String errors = Files.readString(stderr);
        assertThat(errors).as("the writer's stderr").doesNotContain("CrashWriter:");

        String output = Files.readString(stdout, StandardCharsets.UTF_8);
        List<String> lines = List.of(output.split("\n", -1));
        List<Ack> acks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = ACK.matcher(lines.get(i));
            if (m.matches()) {
                acks.add(new Ack(m.group(1), Long.parseLong(m.group(2)), m.group(3)));
            } else {
                // Only the very last line may be cut short by the kill (or be the empty rest after the last
                // newline); it was never a whole ack.
                assertThat(i).as("line %d of the writer's output is not an ack: %s", i, lines.get(i))
                        .isEqualTo(lines.size() - 1);
            }
        }
        assertThat(acks.size()).isGreaterThanOrEqualTo(target);
        return acks;
    }

    private static final class Recovered {
        long revision;
        int liveKeys;
        int createdKeys;
        List<KeyValue> items;
    }

    /** Opens the store after the crash and checks the invariants in the class comment. */
    private static Recovered recoverAndCheck(Path dataDir, List<Ack> acks) throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dataDir)) {
            long revision = store.currentRevision().join();
            ListResult list = store.list("/", 0, null).join();
            assertThat(list.revision()).isEqualTo(revision);
            assertThat(list.continueToken()).isNull();
            Map<String, KeyValue> live = new TreeMap<>();
            for (KeyValue kv : list.items()) {
                live.put(kv.key(), kv);
            }

            // Replay the whole log through a watch from revision 1.
            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            AtomicReference<StoreException> watchError = new AtomicReference<>();
            try (Watch ignored = store.watch("/", 1, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    events.add(event);
                }

                @Override
                public void onError(StoreException error) {
                    watchError.set(error);
                }
            })) {
                assertThat(await(() -> events.size() >= revision || watchError.get() != null, AWAIT_MILLIS))
                        .as("the replay delivered %d of %d events", events.size(), revision).isTrue();
            }
            assertThat(watchError.get()).as("replay error").isNull();

            // No gaps: exactly the revisions 1..R, in order, all whole records.
            assertThat(events).hasSize((int) revision);
            Map<String, KeyValue> replayed = new HashMap<>();
            for (int i = 0; i < events.size(); i++) {
                WatchEvent e = events.get(i);
                KeyValue kv = e.kv();
                assertThat(e.revision()).as("revision of replayed event %d", i).isEqualTo(i + 1);
                assertThat(e.type()).as("event at %d", e.revision()).isEqualTo(WatchEvent.Type.PUT);
                assertThat(CrashWriter.checkValue(kv.key(), kv.value())).as("record at revision %d", e.revision()).isNull();
                KeyValue before = replayed.get(kv.key());
                if (before == null) {
                    assertThat(kv.createRevision()).as("create revision at %d", e.revision()).isEqualTo(kv.modRevision());
                    assertThat(kv.version()).isEqualTo(1);
                } else {
                    assertThat(kv.key()).as("only shared keys are written twice").startsWith(CrashWriter.SHARED_PREFIX);
                    assertThat(kv.createRevision()).isEqualTo(before.createRevision());
                    assertThat(kv.version()).isEqualTo(before.version() + 1);
                }
                replayed.put(kv.key(), kv);
            }
            // The live state is what the log says, nothing more and nothing less.
            assertThat(live).isEqualTo(new TreeMap<>(replayed));

            // Every acknowledged write is there, with its value.
            Map<String, Long> newestSharedAck = new HashMap<>();
            for (Ack ack : acks) {
                assertThat(ack.revision).as("acked revision of %s", ack.key).isBetween(1L, revision);
                KeyValue atAck = events.get((int) ack.revision - 1).kv();
                assertThat(atAck.key()).as("key written at acked revision %d", ack.revision).isEqualTo(ack.key);
                assertThat(CrashWriter.sha256(atAck.value())).as("value of %s at %d", ack.key, ack.revision)
                        .isEqualTo(ack.sha256);
                KeyValue now = live.get(ack.key);
                assertThat(now).as("acknowledged key %s", ack.key).isNotNull();
                if (ack.key.startsWith(CrashWriter.CREATE_PREFIX)) {
                    assertThat(now.modRevision()).as("revision of %s", ack.key).isEqualTo(ack.revision);
                    assertThat(CrashWriter.sha256(now.value())).as("value of %s", ack.key).isEqualTo(ack.sha256);
                } else {
                    newestSharedAck.merge(ack.key, ack.revision, Math::max);
                }
            }
            newestSharedAck.forEach((key, rev) ->
                    assertThat(live.get(key).modRevision()).as("revision of shared key %s", key).isGreaterThanOrEqualTo(rev));

            // Per writer: a prefix of its sequence, in revision order, covering every ack.
            Map<Integer, TreeMap<Long, KeyValue>> byWriter = new TreeMap<>();
            int created = 0;
            for (KeyValue kv : live.values()) {
                if (kv.key().startsWith(CrashWriter.SHARED_PREFIX)) {
                    assertThat(kv.key()).matches("/crash-shared/k[0-" + (CrashWriter.SHARED_KEYS - 1) + "]");
                    continue;
                }
                Matcher m = CREATED_KEY.matcher(kv.key());
                assertThat(m.matches()).as("unexpected key %s", kv.key()).isTrue();
                byWriter.computeIfAbsent(Integer.parseInt(m.group(1)), w -> new TreeMap<>()).put(Long.parseLong(m.group(2)), kv);
                created++;
            }
            assertThat(byWriter.keySet()).allMatch(w -> w >= 0 && w < CrashWriter.THREADS);
            byWriter.forEach((writer, seqs) -> {
                assertThat(seqs.lastKey()).as("writer %d has a hole in its sequence", writer).isEqualTo(seqs.size() - 1L);
                long previous = 0;
                for (KeyValue kv : seqs.values()) {
                    assertThat(kv.modRevision()).as("writer %d's %s committed out of order", writer, kv.key())
                            .isGreaterThan(previous);
                    previous = kv.modRevision();
                }
            });

            Recovered r = new Recovered();
            r.revision = revision;
            r.liveKeys = live.size();
            r.createdKeys = created;
            r.items = list.items();
            return r;
        }
    }

    /** Reopens the store a second time, writes on from R+1, and checks a third opening sees it all. */
    private static void reopenAndWrite(Path dataDir, Recovered first) {
        long revision = first.revision;
        List<KeyValue> written = new ArrayList<>();
        try (EmbeddedStore store = EmbeddedStore.open(dataDir)) {
            assertThat(store.currentRevision().join()).isEqualTo(revision);
            assertThat(store.list("/", 0, null).join().items()).isEqualTo(first.items);
            Random rnd = new Random(revision);
            for (int i = 0; i < 5; i++) {
                String key = "/after/" + i;
                KeyValue kv = store.create(key, CrashWriter.value(key, 99, i, rnd)).join();
                assertThat(kv.modRevision()).isEqualTo(revision + written.size() + 1);
                written.add(kv);
            }
            KeyValue shared = store.get(CrashWriter.SHARED_PREFIX + "k0").join().orElseThrow();
            KeyValue updated = store.update(shared.key(), CrashWriter.value(shared.key(), 99, 5, rnd), shared.modRevision()).join();
            assertThat(updated.modRevision()).isEqualTo(revision + written.size() + 1);
            assertThat(updated.version()).isEqualTo(shared.version() + 1);
            written.add(updated);
            assertThat(store.currentRevision().join()).isEqualTo(revision + written.size());
        }
        try (EmbeddedStore store = EmbeddedStore.open(dataDir)) {
            assertThat(store.currentRevision().join()).isEqualTo(revision + written.size());
            for (KeyValue kv : written) {
                assertThat(store.get(kv.key()).join()).contains(kv);
            }
            assertThat(store.count("/crash/").join()).isEqualTo(first.createdKeys);
        }
    }

    /** The test's class path: surefire's own record of it when there is one (java.class.path may be a manifest jar). */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        return String.join(File.pathSeparator, cp.split(File.pathSeparator));
    }

    /** Counts the newlines a growing file holds so far, reading only what was added since the last call. */
    private static final class NewlineCounter {
        private final Path file;
        private long position;
        private int count;

        NewlineCounter(Path file) {
            this.file = file;
        }

        int count() {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                int n;
                while ((n = ch.read(buf, position)) > 0) {
                    position += n;
                    for (int i = 0; i < n; i++) {
                        if (buf.get(i) == '\n') {
                            count++;
                        }
                    }
                    buf.clear();
                }
                return count;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static boolean await(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }
}
