package io.coxswain.store.etcd;

import io.coxswain.store.EtcdCluster;
import io.coxswain.store.EtcdServer;
import io.coxswain.store.KeyValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes through an EtcdStore keep going when a 3-member cluster loses its leader, and none acknowledged is lost. */
class EtcdHaTest {
    private static final int ACKS_BEFORE_KILL = 150;
    private static final int ACKS_AFTER_KILL = 150;

    @Test
    void acknowledgedWritesSurviveLeaderLoss() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(3);
             EtcdStore store = new EtcdStore(cluster.endpoints(), Duration.ofSeconds(5))) {
            Map<String, String> acked = new ConcurrentHashMap<>();
            List<Long> ackTimes = new CopyOnWriteArrayList<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = String.format("/registry/ha/k%06d", i);
                    String value = "{\"n\":" + i + "}";
                    try {
                        store.create(key, value.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
                        acked.put(key, value);
                        ackTimes.add(System.nanoTime());
                    } catch (Exception e) {
                        failures.add(String.valueOf(e.getCause() == null ? e : e.getCause())); // not acknowledged: may or may not exist
                    }
                }
            }, "ha-writer");
            writer.start();
            try {
                waitFor(() -> acked.size() >= ACKS_BEFORE_KILL, Duration.ofSeconds(30), "writes before the kill");
                EtcdServer leader = cluster.awaitLeader(Duration.ofSeconds(10));
                int before = acked.size();
                long killedAt = System.nanoTime();
                leader.kill();
                waitFor(() -> acked.size() >= before + ACKS_AFTER_KILL, Duration.ofSeconds(60), "writes after the kill");
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));

                long firstAfter = ackTimes.stream().filter(t -> t > killedAt).findFirst().orElseThrow();
                long longestGap = 0;
                for (int i = 1; i < ackTimes.size(); i++) {
                    longestGap = Math.max(longestGap, ackTimes.get(i) - ackTimes.get(i - 1));
                }
                EtcdServer newLeader = cluster.awaitLeader(Duration.ofSeconds(10));
                System.out.printf("[EtcdHaTest] killed leader %s (pid %d); new leader %s; acks before kill %d, after %d;"
                                + " failed writes %d; first ack %.1f ms after the kill; longest gap between acks %.1f ms%n",
                        leader.name(), leader.pid(), newLeader.name(), before, acked.size() - before, failures.size(),
                        (firstAfter - killedAt) / 1e6, longestGap / 1e6);
                failures.stream().limit(3).forEach(f -> System.out.println("[EtcdHaTest] failed write: " + f));
                assertThat(newLeader).isNotSameAs(leader);
                assertThat(acked.size() - before).isGreaterThanOrEqualTo(ACKS_AFTER_KILL);

                try (EtcdStore survivors = new EtcdStore(cluster.endpointsExcept(leader))) {
                    for (Map.Entry<String, String> e : acked.entrySet()) {
                        Optional<KeyValue> kv = survivors.get(e.getKey()).get(10, TimeUnit.SECONDS);
                        assertThat(kv).as(e.getKey()).isPresent();
                        assertThat(kv.get().valueAsString()).isEqualTo(e.getValue());
                    }
                    assertThat(survivors.count("/registry/ha/").get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(acked.size());
                }
            } finally {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
