package io.coxswain.store.embedded;

import io.coxswain.store.ConflictException;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The child process of {@link EmbeddedStoreCrashTest}: writes to an embedded store from {@value #THREADS} threads
 * until it is killed, and prints one line per acknowledged write, only once the write's future has completed:
 *
 * <pre>ACK &lt;key&gt; &lt;modRevision&gt; &lt;sha-256 of the whole value&gt; .</pre>
 *
 * Writer {@code t} creates {@code /crash/t/0}, {@code /crash/t/1}, ... in that order, with up to {@value #WINDOW}
 * creates in flight, so that the commit thread sees groups of writes. Now and then it also updates one of
 * {@value #SHARED_KEYS} shared keys {@code /crash-shared/k<i>} by compare-and-swap. Every value carries its
 * key, writer, sequence number, a payload of 0..{@value #MAX_PAYLOAD} characters and the payload's SHA-256, so
 * that a torn or misplaced value is recognisable ({@link #checkValue}).
 *
 * <p>Arguments: the data directory and a seed. Exits by itself (status 3) only if nobody kills it in time.
 */
public final class CrashWriter {

    static final int THREADS = 8;
    static final int WINDOW = 8;
    static final int SHARED_KEYS = 4;
    static final int MAX_PAYLOAD = 4096;
    static final String CREATE_PREFIX = "/crash/";
    static final String SHARED_PREFIX = "/crash-shared/";
    static final long GIVE_UP_MILLIS = 120_000;

    private static final Pattern VALUE = Pattern.compile(
            "\\{\"key\":\"([^\"]+)\",\"writer\":(-?\\d+),\"seq\":(\\d+),\"size\":(\\d+),\"payload\":\"([a-z0-9]*)\","
                    + "\"sha256\":\"([0-9a-f]{64})\"}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(GIVE_UP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("CrashWriter: not killed within " + GIVE_UP_MILLIS + " ms; giving up");
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Store store = EmbeddedStore.open(dataDir);
        Random setup = new Random(seed);
        for (int i = 0; i < SHARED_KEYS; i++) {
            String key = SHARED_PREFIX + "k" + i;
            ack(store.create(key, value(key, -1, i, setup)).join());
        }
        Thread[] writers = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int writer = t;
            writers[t] = new Thread(() -> write(store, writer, new Random(seed * 31 + writer)), "writer-" + t);
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
    }

    private static void write(Store store, int writer, Random rnd) {
        Semaphore window = new Semaphore(WINDOW);
        try {
            for (long n = 0; ; n++) {
                if (rnd.nextInt(6) == 0) {
                    casSharedKey(store, writer, n, rnd);
                }
                String key = CREATE_PREFIX + writer + "/" + n;
                byte[] value = value(key, writer, n, rnd);
                window.acquire();
                store.create(key, value).whenComplete((kv, error) -> {
                    window.release();
                    if (error == null) {
                        ack(kv);
                    } else {
                        System.err.println("CrashWriter: create " + key + " failed: " + error);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void casSharedKey(Store store, int writer, long n, Random rnd) {
        String key = SHARED_PREFIX + "k" + rnd.nextInt(SHARED_KEYS);
        Optional<KeyValue> current = store.get(key).join();
        if (current.isEmpty()) {
            System.err.println("CrashWriter: shared key " + key + " is missing");
            return;
        }
        try {
            ack(store.update(key, value(key, writer, n, rnd), current.get().modRevision()).join());
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ConflictException)) {
                System.err.println("CrashWriter: update " + key + " failed: " + e.getCause());
            }
        }
    }

    static byte[] value(String key, int writer, long seq, Random rnd) {
        int size = rnd.nextInt(MAX_PAYLOAD + 1);
        char[] payload = new char[size];
        for (int i = 0; i < size; i++) {
            payload[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        String p = new String(payload);
        return ("{\"key\":\"" + key + "\",\"writer\":" + writer + ",\"seq\":" + seq + ",\"size\":" + size
                + ",\"payload\":\"" + p + "\",\"sha256\":\"" + sha256(p.getBytes(StandardCharsets.UTF_8)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Returns null when the value is whole and belongs to {@code key}, else what is wrong with it. */
    static String checkValue(String key, byte[] value) {
        Matcher m = VALUE.matcher(new String(value, StandardCharsets.UTF_8));
        if (!m.matches()) {
            return "value of " + key + " (" + value.length + " bytes) is not a whole record";
        }
        if (!m.group(1).equals(key)) {
            return "value of " + key + " belongs to " + m.group(1);
        }
        String payload = m.group(5);
        if (Integer.parseInt(m.group(4)) != payload.length()) {
            return "value of " + key + " has " + payload.length() + " payload bytes, not " + m.group(4);
        }
        if (!sha256(payload.getBytes(StandardCharsets.UTF_8)).equals(m.group(6))) {
            return "value of " + key + " has a payload that does not match its checksum";
        }
        return null;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized void ack(KeyValue kv) {
        byte[] line = ("ACK " + kv.key() + " " + kv.modRevision() + " " + sha256(kv.value()) + " .\n")
                .getBytes(StandardCharsets.UTF_8);
        try {
            OUT.write(line);
            OUT.flush();
        } catch (IOException e) {
            Runtime.getRuntime().halt(4);
        }
    }
}
