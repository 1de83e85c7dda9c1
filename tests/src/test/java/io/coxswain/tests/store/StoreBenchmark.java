package io.coxswain.tests.store;

import io.coxswain.tests.bench.FigureTable;
import io.coxswain.store.EtcdServer;
import io.coxswain.store.ListResult;
import io.coxswain.store.Store;
import io.coxswain.store.StoreException;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import io.coxswain.store.embedded.EmbeddedStore;
import io.coxswain.store.etcd.EtcdStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's figures, embedded and etcd side by side in one run (DESIGN.md budgets: at least 5,000
 * writes/s and p99 at most 10 ms at 50 writers for the embedded store; watch delivery p99 at most 50 ms to
 * 1,000 watchers; the CI size is 1,000, 5,000 and 300). It prints; it asserts only that every write and every event arrived.
 */
class StoreBenchmark {

    private static final byte[] POD = ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"bench\",\"namespace\":\"default\","
            + "\"labels\":{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"coxswain/busybox:1\","
            + "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}").repeat(2).getBytes(StandardCharsets.UTF_8);
    private static final int SERIAL_WRITES = io.coxswain.tests.bench.BenchSize.of(1_000, 2_000);
    private static final int CONCURRENT_WRITES = io.coxswain.tests.bench.BenchSize.of(5_000, 20_000);
    private static final int WRITERS = 50;
    private static final int WATCHERS = io.coxswain.tests.bench.BenchSize.of(300, 1_000);
    private static final int WATCHED_WRITES = 300;

    @TempDir
    Path dir;

    @Test
    void embeddedAndEtcdSideBySide() throws Exception {
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        try (EmbeddedStore embedded = EmbeddedStore.open(dir.resolve("embedded"))) {
            table.put("embedded", measure(embedded));
        }
        try (EtcdServer etcd = EtcdServer.start(); EtcdStore store = new EtcdStore(etcd.endpoints())) {
            table.put("etcd 3.4 (1 member)", measure(store));
        }
        print(table);
    }

    private Map<String, String> measure(Store store) throws Exception {
        Map<String, String> row = new LinkedHashMap<>();
        row.putAll(writes(store, "/bench/serial/", 1, SERIAL_WRITES));
        row.putAll(writes(store, "/bench/concurrent/", WRITERS, CONCURRENT_WRITES));
        row.put("list 10,000 keys p50", listLatency(store, "/bench/list10k/", 10_000));
        row.put("list 100,000 keys p50", listLatency(store, "/bench/list100k/", 100_000));
        row.putAll(watchDelivery(store));
        return row;
    }

    /** Closed-loop writers: each issues a create and waits for the acknowledgement before the next. */
    private static Map<String, String> writes(Store store, String prefix, int writers, int total) throws Exception {
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            Thread t = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    long t0 = System.nanoTime();
                    store.create(prefix + i, POD).join();
                    latencies[i] = System.nanoTime() - t0;
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(store.count(prefix).join()).isEqualTo(total);
        Arrays.sort(latencies);
        String label = writers == 1 ? "1 writer" : writers + " writers";
        Map<String, String> out = new LinkedHashMap<>();
        out.put("writes/s, " + label, String.format("%,.0f", total / seconds));
        out.put("write p50, " + label, FigureTable.ms(latencies[total / 2]));
        out.put("write p99, " + label, FigureTable.ms(latencies[(int) (total * 0.99)]));
        return out;
    }

    private static String listLatency(Store store, String prefix, int keys) throws Exception {
        fill(store, prefix, keys);
        long[] samples = new long[7];
        for (int i = 0; i < samples.length; i++) {
            long t0 = System.nanoTime();
            ListResult all = store.list(prefix, 0, null).join();
            samples[i] = System.nanoTime() - t0;
            assertThat(all.items()).hasSize(keys);
        }
        Arrays.sort(samples);
        return FigureTable.ms(samples[samples.length / 2]);
    }

    /** Pipelined creates, at most 200 in flight, to set up the list measurements quickly. */
    private static void fill(Store store, String prefix, int keys) throws InterruptedException {
        Semaphore inFlight = new Semaphore(200);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            inFlight.acquire();
            all.add(store.create(String.format("%s%06d", prefix, i), POD).whenComplete((kv, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    /** Time from starting a write until each of 1,000 watchers has the event, over writes one at a time. */
    private static Map<String, String> watchDelivery(Store store) throws Exception {
        String prefix = "/bench/watched/";
        long from = store.currentRevision().join() + 1;
        AtomicLongArray worst = new AtomicLongArray(WATCHED_WRITES);
        List<Long> deliveries = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(WATCHERS * WATCHED_WRITES);
        List<io.coxswain.store.Watch> watches = new ArrayList<>();
        for (int w = 0; w < WATCHERS; w++) {
            watches.add(store.watch(prefix, from, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    long now = System.nanoTime();
                    int index = Integer.parseInt(event.kv().key().substring(prefix.length()));
                    deliveries.add(now);
                    worst.accumulateAndGet(index, now, Math::max);
                    all.countDown();
                }

                @Override
                public void onError(StoreException error) {
                    throw new AssertionError(error);
                }
            }));
        }
        long[] started = new long[WATCHED_WRITES];
        for (int i = 0; i < WATCHED_WRITES; i++) {
            started[i] = System.nanoTime();
            store.create(prefix + i, POD).join();
            Thread.sleep(2);
        }
        assertThat(all.await(120, TimeUnit.SECONDS)).as("every watcher got every event").isTrue();
        watches.forEach(io.coxswain.store.Watch::close);
        long[] toAll = new long[WATCHED_WRITES];
        for (int i = 0; i < WATCHED_WRITES; i++) {
            toAll[i] = worst.get(i) - started[i];
        }
        Arrays.sort(toAll);
        Map<String, String> out = new LinkedHashMap<>();
        out.put(String.format("watch: write start → all %,d watchers p50", WATCHERS), FigureTable.ms(toAll[WATCHED_WRITES / 2]));
        out.put(String.format("watch: write start → all %,d watchers p99", WATCHERS), FigureTable.ms(toAll[(int) (WATCHED_WRITES * 0.99)]));
        out.put("watch events delivered", String.format("%,d", deliveries.size()));
        return out;
    }

    private static void print(Map<String, Map<String, String>> table) {
        FigureTable.print("Store benchmark (" + io.coxswain.tests.bench.BenchSize.label() + "; 2 cores; values of ~600 bytes)",
                table, null);
    }
}
