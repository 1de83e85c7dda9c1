package io.coxswain.tests.dns;

import io.coxswain.dns.ClusterDns;
import io.coxswain.dns.DnsOptions;
import io.coxswain.tests.bench.BenchSize;
import io.coxswain.tests.bench.FigureTable;
import io.coxswain.tests.cluster.LocalCoxswain;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster DNS against Debian's dnsmasq, measured in one run by one load generator: several UDP clients, each
 * closed-loop (a query, its answer, the next), over the same names: the A records of Services that our server reads
 * from a real apiserver through its informers and that dnsmasq is given as --host-record, then names outside the
 * cluster that both forward to a third server (a dnsmasq on loopback; the peer's cache off, as ours has none).
 * Queries per second and p99 latency of each, and the ratio.
 */
class DnsBenchmark {

    static final int SERVICES = BenchSize.of(30, 100);
    static final int CLIENTS = BenchSize.of(8, 16);
    static final Duration WARM_UP = Duration.ofSeconds(BenchSize.of(3, 5));
    static final Duration RUN = Duration.ofSeconds(BenchSize.of(3, 60));

    @TempDir
    Path dir;

    /** What one load run measured. */
    record Figures(long queries, long failures, double perSecond, long p50, long p99) {
    }

    @Test
    void queriesPerSecondAndP99AgainstDnsmasq() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Dnsmasq.installed(), "dnsmasq is not installed (./coxswain test installs dnsmasq-base)");
        try (TestCluster cluster = TestCluster.embedded(dir.resolve("cluster")); KubernetesClient client = cluster.newClient()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
            List<String> names = new ArrayList<>();
            List<String> records = new ArrayList<>(List.of("--local-ttl=30"));
            long setUp = System.nanoTime();
            List<io.fabric8.kubernetes.api.model.Service> created = java.util.stream.IntStream.range(0, SERVICES).parallel()
                    .mapToObj(i -> client.services().inNamespace("bench").resource(new ServiceBuilder().withNewMetadata().withName("svc-" + i)
                            .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create())
                    .toList();
            for (var s : created) {
                String name = s.getMetadata().getName() + ".bench.svc.cluster.local";
                names.add(name);
                records.add("--host-record=" + name + "," + s.getSpec().getClusterIP());
            }
            System.out.printf("DnsBenchmark: %d Services created in %d ms%n", SERVICES, (System.nanoTime() - setUp) / 1_000_000);
            List<String> outside = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                outside.add("host-" + i + ".outside.test");
            }
            int upstreamPort = LocalCoxswain.freePort();
            int ourPort = LocalCoxswain.freePort();
            int peerPort = LocalCoxswain.freePort();
            Vertx vertx = Vertx.vertx();
            try (Dnsmasq upstream = Dnsmasq.start(upstreamPort, List.of("--address=/outside.test/192.0.2.44"))) {
                List<String> peerArgs = new ArrayList<>(records);
                peerArgs.addAll(List.of("--cache-size=0", "--server=127.0.0.1#" + upstreamPort));
                ClusterDns ours = ClusterDns.start(vertx, client, DnsOptions.defaults(List.of("127.0.0.1")).withPort(ourPort)
                        .withNotrackChain(null).withUpstreams(List.of(new InetSocketAddress("127.0.0.1", upstreamPort))));
                try (Dnsmasq peer = Dnsmasq.start(peerPort, peerArgs)) {
                    Map<String, Map<String, String>> columns = new LinkedHashMap<>();
                    Figures ourCluster = load(ourPort, names);
                    Figures peerCluster = load(peerPort, names);
                    Figures ourForward = load(ourPort, outside);
                    Figures peerForward = load(peerPort, outside);
                    columns.put("coxswain dns", column(ourCluster, ourForward));
                    columns.put("dnsmasq " + dnsmasqVersion(), column(peerCluster, peerForward));
                    Map<String, String> ratio = new LinkedHashMap<>();
                    ratio.put("cluster names: queries/s", String.format("%.2f×", ourCluster.perSecond() / peerCluster.perSecond()));
                    ratio.put("cluster names: p50", String.format("%.2f×", (double) ourCluster.p50() / peerCluster.p50()));
                    ratio.put("cluster names: p99", String.format("%.2f×", (double) ourCluster.p99() / peerCluster.p99()));
                    ratio.put("cluster names: failures", "");
                    ratio.put("forwarded names: queries/s", String.format("%.2f×", ourForward.perSecond() / peerForward.perSecond()));
                    ratio.put("forwarded names: p50", String.format("%.2f×", (double) ourForward.p50() / peerForward.p50()));
                    ratio.put("forwarded names: p99", String.format("%.2f×", (double) ourForward.p99() / peerForward.p99()));
                    ratio.put("forwarded names: failures", "");
                    columns.put("ratio (ours / dnsmasq)", ratio);
                    FigureTable.print("DNS: " + CLIENTS + " closed-loop UDP clients, " + SERVICES + " names each kind, "
                            + RUN.toSeconds() + " s a run (" + BenchSize.label() + ")", columns,
                            "Our server runs in the load generator's JVM, on its Vert.x event loop; dnsmasq is a process of its own. "
                                    + "Forwarded names go to a third dnsmasq on loopback; the peer's cache is off.");
                    assertThat(ourCluster.failures()).as("our failed cluster queries").isLessThanOrEqualTo(ourCluster.queries() / 1000);
                    assertThat(peerCluster.failures()).as("dnsmasq's failed cluster queries").isLessThanOrEqualTo(peerCluster.queries() / 1000);
                    assertThat(ourForward.failures()).as("our failed forwarded queries").isLessThanOrEqualTo(ourForward.queries() / 100);
                } finally {
                    ours.close();
                }
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<String, String> column(Figures cluster, Figures forward) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cluster names: queries/s", String.format("%,.0f", cluster.perSecond()));
        c.put("cluster names: p50", FigureTable.ms(cluster.p50()));
        c.put("cluster names: p99", FigureTable.ms(cluster.p99()));
        c.put("cluster names: failures", cluster.failures() + " of " + cluster.queries());
        c.put("forwarded names: queries/s", String.format("%,.0f", forward.perSecond()));
        c.put("forwarded names: p50", FigureTable.ms(forward.p50()));
        c.put("forwarded names: p99", FigureTable.ms(forward.p99()));
        c.put("forwarded names: failures", forward.failures() + " of " + forward.queries());
        return c;
    }

    /** A warm-up, then {@link #RUN} of closed-loop A queries over {@code names} from {@link #CLIENTS} UDP sockets. */
    static Figures load(int port, List<String> names) throws Exception {
        List<byte[]> queries = new ArrayList<>();
        for (String n : names) {
            queries.add(Message.newQuery(Record.newRecord(Name.fromString(n + "."), Type.A, DClass.IN)).toWire());
        }
        run(port, queries, WARM_UP);
        return run(port, queries, RUN);
    }

    private static Figures run(int port, List<byte[]> queries, Duration duration) throws Exception {
        AtomicLong failures = new AtomicLong();
        List<IllegalStateException> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<long[]> perClient = new ArrayList<>();
        int[] counts = new int[CLIENTS];
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            long[][] latencies = {new long[1 << 16]};
            perClient.add(null);
            Thread t = new Thread(() -> {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port));
                    socket.setSoTimeout(1000);
                    DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
                    int n = 0;
                    int sends = 0;
                    int i = client;
                    while (System.nanoTime() < deadline) {
                        byte[] q = queries.get(i++ % queries.size()).clone();
                        // a new ID for every send: a late answer to a query that timed out never passes for the next one's
                        int id = (client << 12 | (sends++ & 0xfff)) & 0xffff;
                        q[0] = (byte) (id >> 8);
                        q[1] = (byte) id;
                        long sent = System.nanoTime();
                        socket.send(new DatagramPacket(q, q.length));
                        if (!answered(socket, in, id)) {
                            failures.incrementAndGet();
                            continue;
                        }
                        if (n == latencies[0].length) {
                            latencies[0] = java.util.Arrays.copyOf(latencies[0], n * 2);
                        }
                        latencies[0][n++] = System.nanoTime() - sent;
                    }
                    counts[client] = n;
                    synchronized (perClient) {
                        perClient.set(client, latencies[0]);
                    }
                } catch (IOException e) {
                    errors.add(new IllegalStateException("client " + client + " failed", e));
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> e.printStackTrace(System.out));
            throw errors.get(0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < CLIENTS; c++) {
            if (perClient.get(c) != null) {
                System.arraycopy(perClient.get(c), 0, all, at, counts[c]);
                at += counts[c];
            }
        }
        if (total == 0) {
            return new Figures(0, failures.get(), 0, 0, 0);
        }
        return new Figures(total + failures.get(), failures.get(), total / seconds, FigureTable.percentile(all, 50),
                FigureTable.percentile(all, 99));
    }

    /** Reads until the answer with this ID (a late answer to an earlier, timed-out query is skipped); false on a timeout or an error. */
    private static boolean answered(DatagramSocket socket, DatagramPacket in, int id) throws IOException {
        while (true) {
            in.setLength(in.getData().length);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                return false;
            }
            byte[] b = in.getData();
            if (in.getLength() < 12) {
                return false;
            }
            int got = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
            if (got != id) {
                continue;
            }
            int rcode = b[3] & 0x0f;
            int answers = ((b[6] & 0xff) << 8) | (b[7] & 0xff);
            return rcode == 0 && answers > 0;
        }
    }

    private static String dnsmasqVersion() {
        try {
            Process p = new ProcessBuilder(Dnsmasq.BINARY.toString(), "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
            p.waitFor(5, TimeUnit.SECONDS);
            return first.replaceAll("^Dnsmasq version (\\S+).*", "$1");
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
