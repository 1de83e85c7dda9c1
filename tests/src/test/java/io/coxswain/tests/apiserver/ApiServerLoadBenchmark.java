package io.coxswain.tests.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.store.EtcdCluster;
import io.coxswain.tests.bench.ClosedLoop;
import io.coxswain.tests.bench.FigureTable;
import io.coxswain.tests.cluster.ApiServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load test: 100 concurrent closed-loop clients, each with its own objects, run a mix of creates (30 %),
 * updates (40 %), lists (20 %, a page of 100) and watches (10 %: a watch from just before the client's last write,
 * timed until that write's event arrives) for 20 s (60 s at full size), against the embedded store and against a 3-member etcd cluster
 * (Debian's etcd 3.4 on loopback), the apiserver from the built jar in its own JVM, over TLS as it serves by default;
 * beside them the embedded store again with {@code --insecure-loopback}, plain HTTP, as the baseline of what TLS costs. It prints throughput, p50 and
 * p99 per verb, errors and the server's memory (RSS, sampled each second); it asserts only that nothing failed and
 * every acknowledged create is there. {@code -Dcoxswain.load.seconds=N} shortens each run for local use.
 */
class ApiServerLoadBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CLIENTS = 100;
    private static final long SECONDS = Long.getLong("coxswain.load.seconds", io.coxswain.tests.bench.BenchSize.of(20L, 60L));
    private static final String LOAD = "/api/v1/namespaces/load/configmaps";
    private static final List<String> VERBS = List.of("create", "update", "list", "watch");
    /** A ConfigMap of about 1 KB: labels, an annotation, a few data keys. */
    private static final String DATA = "x".repeat(700);

    @TempDir
    Path dir;

    @Test
    void hundredClientsMixedVerbsEmbeddedAndEtcd() throws Exception {
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        try (ApiServerProcess server = ApiServerProcess.start(dir.resolve("embedded"), "--store", "embedded")) {
            table.put("embedded, TLS", run(server, "embedded, TLS"));
        }
        // The baseline, in the same run: the same server with --insecure-loopback, plain HTTP.
        try (ApiServerProcess server = ApiServerProcess.startInsecure(dir.resolve("embedded-plain"), "--store", "embedded")) {
            table.put("embedded, plain HTTP", run(server, "embedded, plain HTTP"));
        }
        try (EtcdCluster etcd = EtcdCluster.start(3); ApiServerProcess server = ApiServerProcess.start(dir.resolve("etcd"),
                "--store", "etcd", "--etcd-servers", String.join(",", etcd.endpoints()))) {
            table.put("etcd (3 members), TLS", run(server, "etcd, TLS"));
        }
        FigureTable.print(String.format("API server load test (%s; %d cores shared with the clients; %d closed-loop clients; %d s a run; "
                        + "ConfigMaps of ~1 KB; HTTP/1.1 over TLS with the admin's client certificate, as by default; server in its own JVM)",
                        io.coxswain.tests.bench.BenchSize.label(), Runtime.getRuntime().availableProcessors(), CLIENTS, SECONDS), table,
                "Mix: create 30 %, update (PUT) 40 %, list (limit=100) 20 %, watch (open → first event) 10 %. Errors must be 0.\n"
                        + "\"embedded, plain HTTP\": the same embedded server with --insecure-loopback (no TLS, no authentication), "
                        + "measured in this run as the baseline of what TLS costs.");
    }

    /** One client's own state: its objects, the last one written, and that write's resourceVersion. */
    private static final class Client {
        final int id;
        int created;
        ObjectNode last;

        Client(int id) {
            this.id = id;
        }
    }

    private static Map<String, String> run(ApiServerProcess server, String label) throws Exception {
        HttpClient http = server.http().http();
        String url = server.url();
        HttpResponse<String> ns = send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/namespaces")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"load\"}}")).build());
        assertThat(ns.statusCode()).as(ns.body()).isEqualTo(201);

        Client[] clients = new Client[CLIENTS];
        for (int c = 0; c < CLIENTS; c++) {
            clients[c] = new Client(c);
        }
        Map<String, ConcurrentLinkedQueue<Long>> latencies = new LinkedHashMap<>();
        VERBS.forEach(v -> latencies.put(v, new ConcurrentLinkedQueue<>()));
        AtomicInteger createdTotal = new AtomicInteger();
        // Each thread is one client: ClosedLoop hands out indexes, the thread keeps its own Client by name.
        ThreadLocal<Client> mine = new ThreadLocal<>();
        AtomicInteger nextClient = new AtomicInteger();
        AtomicLong rssPeak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                rssPeak.accumulateAndGet(server.rssBytes(), Math::max);
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        long rssBefore = server.rssBytes();
        long cpuBefore = server.cpuNanos();
        sampler.start();
        progress(label + ": " + CLIENTS + " clients for " + SECONDS + " s");
        long t0 = System.nanoTime();
        List<String> failures = ClosedLoop.runFor(CLIENTS, Duration.ofSeconds(SECONDS), i -> {
            Client client = mine.get();
            if (client == null) {
                client = clients[nextClient.getAndIncrement()];
                mine.set(client);
            }
            int id = client.id;
            int dice = ThreadLocalRandom.current().nextInt(100);
            String verb = client.last == null || dice < 30 ? "create" : dice < 70 ? "update" : dice < 90 ? "list" : "watch";
            long start = System.nanoTime();
            switch (verb) {
                case "create" -> {
                    String name = "c" + id + "-" + client.created;
                    HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(url + LOAD)).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(configMap(name, id, 0))).build());
                    expect(r, 201, verb);
                    client.created++;
                    createdTotal.incrementAndGet();
                    client.last = (ObjectNode) MAPPER.readTree(r.body());
                }
                case "update" -> {
                    ObjectNode next = client.last.deepCopy();
                    int generation = next.path("data").path("n").asInt() + 1;
                    ((ObjectNode) next.get("data")).put("n", Integer.toString(generation));
                    HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(url + LOAD + "/" + next.path("metadata").path("name").asText()))
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                            .PUT(HttpRequest.BodyPublishers.ofString(next.toString())).build());
                    expect(r, 200, verb);
                    client.last = (ObjectNode) MAPPER.readTree(r.body());
                }
                case "list" -> {
                    HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(url + LOAD + "?limit=100"))
                            .timeout(Duration.ofSeconds(30)).GET().build());
                    expect(r, 200, verb);
                    if (!r.body().contains("\"ConfigMapList\"")) {
                        throw new IllegalStateException("list: not a ConfigMapList: " + r.body().substring(0, Math.min(200, r.body().length())));
                    }
                }
                default -> watchLastWrite(http, url, client.last);
            }
            latencies.get(verb).add(System.nanoTime() - start);
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpuUsed = server.cpuNanos() - cpuBefore;
        sampler.interrupt();
        long rssEnd = server.rssBytes();
        rssPeak.accumulateAndGet(rssEnd, Math::max);
        progress(String.format("%s: done in %.1f s, %d failures", label, seconds, failures.size()));
        assertThat(failures).as("errors under load (first 10): %s", failures.stream().limit(10).toList()).isEmpty();

        // Every acknowledged create is there.
        HttpResponse<String> all = send(http, HttpRequest.newBuilder(URI.create(url + LOAD)).timeout(Duration.ofSeconds(120)).GET().build());
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(all.body()).path("items").size()).as("objects stored").isEqualTo(createdTotal.get());

        Map<String, String> row = new LinkedHashMap<>();
        long total = latencies.values().stream().mapToLong(ConcurrentLinkedQueue::size).sum();
        row.put("requests/s, all verbs", String.format("%,.0f", total / seconds));
        for (String verb : VERBS) {
            long[] sorted = latencies.get(verb).stream().mapToLong(Long::longValue).sorted().toArray();
            row.put(verb + "/s", String.format("%,.0f", sorted.length / seconds));
            row.put(verb + " p50", sorted.length == 0 ? "-" : FigureTable.ms(sorted[sorted.length / 2]));
            row.put(verb + " p99", sorted.length == 0 ? "-" : FigureTable.ms(sorted[(int) (sorted.length * 0.99)]));
        }
        // what the server itself spends, apart from the clients on the same cores
        row.put("server CPU, cores busy", cpuBefore < 0 ? "n/a" : String.format("%.2f", cpuUsed / 1e9 / seconds));
        row.put("server CPU per request", cpuBefore < 0 ? "n/a" : String.format("%.2f ms", cpuUsed / 1e6 / total));
        row.put("errors", Integer.toString(failures.size()));
        row.put("objects created (all verified by a list)", String.format("%,d", createdTotal.get()));
        row.put("server RSS before", mb(rssBefore));
        row.put("server RSS peak (1 s samples)", mb(rssPeak.get()));
        row.put("server RSS at the end", mb(rssEnd));
        return row;
    }

    /** Opens a watch from just before the client's last write and reads until that write's event: the watch's latency. */
    private static void watchLastWrite(HttpClient http, String url, ObjectNode last) throws IOException {
        long rv = Long.parseLong(last.path("metadata").path("resourceVersion").asText());
        String name = last.path("metadata").path("name").asText();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + LOAD + "?watch=true&timeoutSeconds=30&resourceVersion=" + (rv - 1)
                + "&fieldSelector=metadata.name%3D" + name)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("watch: " + r.statusCode() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.append((char) b);
            }
            JsonNode event = MAPPER.readTree(line.toString());
            if (!event.path("object").path("metadata").path("name").asText().equals(name)
                    || event.path("object").path("metadata").path("resourceVersion").asLong() < rv) {
                throw new IllegalStateException("watch: an unexpected first event " + line);
            }
        }
    }

    private static void expect(HttpResponse<String> r, int code, String verb) {
        if (r.statusCode() != code) {
            throw new IllegalStateException(verb + ": " + r.statusCode() + " " + r.body());
        }
    }

    private static String configMap(String name, int client, int n) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"load\",\"client\":\"c"
                + client + "\"},\"annotations\":{\"coxswain.dev/note\":\"load test\"}},\"data\":{\"n\":\"" + n
                + "\",\"payload\":\"" + DATA + "\",\"mode\":\"mixed\"}}";
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%.0f MB", bytes / 1e6);
    }

    private static void progress(String message) {
        System.err.printf("[ApiServerLoadBenchmark %tT] %s%n", System.currentTimeMillis(), message);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws IOException {
        return ApiServerBenchmark.send(http, request);
    }
}
