package io.coxswain.tests.apiserver;

import io.coxswain.tests.bench.BenchSize;
import io.coxswain.tests.bench.FigureTable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.store.EtcdServer;
import io.coxswain.tests.cluster.AdminHttp;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The apiserver's figures over loopback HTTP/1.1 with TLS (as it serves by default), embedded store and etcd side by side in
 * one run, next to a plain-HTTP baseline of the embedded store measured in the same run with {@code --insecure-loopback}: Pod
 * creates from closed-loop clients (full size: 2,000 from one client, 5,000 from 50, after a warm-up), lists of 10,000
 * Pods as JSON and as a Table, and watch fan-out to 1,000 watch streams (one connection each); the CI size is 500, 2,000,
 * 3,000 and 300 ({@link BenchSize}). Budgets (DESIGN.md): a single-object write p99 of at most 10 ms at 50 clients; the
 * Kubernetes SLO for a mutating call is p99 at most 1 s. It prints; it asserts only that every request
 * succeeded and every event arrived.
 */
class ApiServerBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BENCH = "/api/v1/namespaces/bench/pods";
    private static final String FANOUT = "/api/v1/namespaces/fanout/pods";
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
    private static final int WARMUP_CREATES = 500;
    private static final int SERIAL_CREATES = BenchSize.of(500, 2_000);
    private static final int CONCURRENT_CREATES = BenchSize.of(2_000, 5_000);
    private static final int CLIENTS = 50;
    private static final int LISTED = BenchSize.of(3_000, 10_000);
    private static final int LIST_SAMPLES = 3;
    private static final int WATCHERS = BenchSize.of(300, 1_000);
    private static final int WATCHED_WRITES = 100;
    private static final String WATCHED_PREFIX = "wfan-";
    private static final String PLAIN = "embedded, plain HTTP";
    /** How many watch connections are being opened at once, at most. */
    private static final int OPENING = 50;

    /** A realistic Pod: labels and annotations, two containers with args, ports, env, resources, probes, a volume. */
    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"%s","labels":{"app":"checkout","tier":"backend","release":"stable","team":"payments",
               "app.kubernetes.io/version":"2.14.3"},
               "annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"9090"}},
             "spec":{
               "containers":[
                 {"name":"app","image":"registry.example.com/payments/checkout:2.14.3","imagePullPolicy":"IfNotPresent",
                  "args":["--port=8080","--metrics-port=9090","--log-level=info"],
                  "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,"protocol":"TCP"}],
                  "env":[{"name":"DATABASE_URL","value":"postgres://checkout@db.payments.svc.cluster.local:5432/checkout"},
                         {"name":"CACHE_HOST","value":"redis.payments.svc.cluster.local"},
                         {"name":"LOG_FORMAT","value":"json"},
                         {"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                         {"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}],
                  "resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"cpu":"1","memory":"512Mi"}},
                  "livenessProbe":{"httpGet":{"path":"/healthz","port":"http"},"initialDelaySeconds":10,"periodSeconds":10,
                                   "timeoutSeconds":2,"failureThreshold":3},
                  "readinessProbe":{"httpGet":{"path":"/ready","port":8080},"periodSeconds":5,"successThreshold":1,"failureThreshold":3},
                  "volumeMounts":[{"name":"config","mountPath":"/etc/checkout","readOnly":true}]},
                 {"name":"proxy","image":"registry.example.com/mesh/envoy:1.31.2",
                  "args":["--config-path","/etc/envoy/envoy.yaml","--service-cluster","checkout"],
                  "ports":[{"name":"proxy","containerPort":15001,"protocol":"TCP"}],
                  "env":[{"name":"ENVOY_UID","value":"1337"},{"name":"NODE_NAME","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}],
                  "resources":{"requests":{"cpu":"50m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}},
                  "readinessProbe":{"tcpSocket":{"port":15001},"periodSeconds":10},
                  "startupProbe":{"exec":{"command":["/bin/sh","-c","test -f /tmp/ready"]},"failureThreshold":30,"periodSeconds":2}}],
               "volumes":[{"name":"config","configMap":{"name":"checkout-config"}}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,
               "nodeSelector":{"kubernetes.io/os":"linux"},
               "tolerations":[{"key":"dedicated","operator":"Equal","value":"payments","effect":"NoSchedule"}]}}
            """.replaceAll("\\s*\n\\s*", "");

    @TempDir
    Path dir;

    @Test
    void embeddedAndEtcdSideBySide() throws Exception {
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        // The server runs from the built jar in its own JVM, as users run it; without the jar (a module built
        // alone), in this JVM, which then also carries the clients' work, and the title says so.
        boolean ownProcess = Files.isRegularFile(ApiServerProcess.jar());
        if (ownProcess) {
            try (ApiServerProcess server = ApiServerProcess.start(dir.resolve("embedded"), "--store", "embedded")) {
                table.put("embedded, TLS", measure(server.http()));
            }
            // The baseline, in the same run: the same server with --insecure-loopback, plain HTTP.
            try (ApiServerProcess server = ApiServerProcess.startInsecure(dir.resolve("embedded-plain"), "--store", "embedded")) {
                table.put(PLAIN, measure(server.http()));
            }
            try (EtcdServer etcd = EtcdServer.start(); ApiServerProcess server = ApiServerProcess.start(dir.resolve("etcd"),
                    "--store", "etcd", "--etcd-servers", String.join(",", etcd.endpoints()))) {
                table.put("etcd (1 member), TLS", measure(server.http()));
            }
        } else {
            // Without the jar there is no --insecure-loopback: TLS only, and the title says so.
            try (TestCluster cluster = TestCluster.embedded(dir.resolve("embedded"))) {
                table.put("embedded, TLS", measure(cluster.http()));
            }
            try (EtcdServer etcd = EtcdServer.start(); TestCluster cluster = TestCluster.etcd(dir.resolve("etcd"), etcd.endpoints())) {
                table.put("etcd (1 member), TLS", measure(cluster.http()));
            }
        }
        print(table, ownProcess ? "server in its own JVM" : "server in the benchmark's JVM, no plain-HTTP baseline without the launcher jar");
    }

    private static Map<String, String> measure(AdminHttp admin) throws Exception {
        HttpClient http = admin.http();
        String url = admin.url();
        for (String ns : List.of("warmup", "bench", "fanout")) {
            HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/namespaces"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}"))
                    .build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        Map<String, String> row = new LinkedHashMap<>();
        creates(http, url, "/api/v1/namespaces/warmup/pods", "warm-", CLIENTS, WARMUP_CREATES); // JIT, pools, connections
        row.putAll(creates(http, url, BENCH, "serial-", 1, SERIAL_CREATES));
        row.putAll(creates(http, url, BENCH, "concurrent-", CLIENTS, CONCURRENT_CREATES));
        creates(http, url, BENCH, "fill-", CLIENTS, LISTED - SERIAL_CREATES - CONCURRENT_CREATES); // up to LISTED to list
        row.putAll(lists(http, url, "JSON", "application/json"));
        row.putAll(lists(http, url, "Table", TABLE));
        row.putAll(watchFanOut(admin, http, url));
        return row;
    }

    /**
     * Closed-loop clients: each posts a Pod and waits for the answer before posting the next. The clients are
     * asynchronous (one request in flight each on the shared HttpClient, which keeps a connection per client),
     * not a thread each: on this machine the clients share the server's cores, and 50 blocked threads with
     * their hand-offs would take CPU the server needs.
     */
    private static Map<String, String> creates(HttpClient http, String url, String path, String prefix, int clients, int total)
            throws Exception {
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        URI uri = URI.create(url + path);
        CountDownLatch finished = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            new Runnable() {
                @Override
                public void run() {
                    int i = next.getAndIncrement();
                    if (i >= total) {
                        finished.countDown();
                        return;
                    }
                    HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(pod(String.format("%s%05d", prefix, i)))).build();
                    long t0 = System.nanoTime();
                    http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).whenComplete((r, e) -> {
                        latencies[i] = System.nanoTime() - t0;
                        if (e != null) {
                            failures.add(e.toString());
                        } else if (r.statusCode() != 201) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                        run();
                    });
                }
            }.run();
        }
        assertThat(finished.await(10, TimeUnit.MINUTES)).as("the creates finished").isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        progress(String.format("%,d creates by %d clients in %.1f s", total, clients, seconds));
        assertThat(failures).as("every create succeeded").isEmpty();
        Arrays.sort(latencies);
        String label = clients == 1 ? "1 client" : clients + " clients";
        Map<String, String> out = new LinkedHashMap<>();
        out.put("creates/s, " + label, String.format("%,.0f", total / seconds));
        out.put("create p50, " + label, FigureTable.ms(latencies[total / 2]));
        out.put("create p99, " + label, FigureTable.ms(latencies[(int) (total * 0.99)]));
        if (clients == CLIENTS) {
            out.put("  p99 within the 10 ms budget?", latencies[(int) (total * 0.99)] <= 10_000_000L ? "yes" : "NO");
        }
        return out;
    }

    /** A full list of the namespace's 10,000 Pods, no limit; the time until the whole body has arrived. */
    private static Map<String, String> lists(HttpClient http, String url, String label, String accept) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + BENCH)).header("Accept", accept)
                .timeout(Duration.ofSeconds(120)).GET().build();
        long[] samples = new long[LIST_SAMPLES];
        byte[] body = null;
        for (int i = 0; i < samples.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            samples[i] = System.nanoTime() - t0;
            progress("list " + label + " sample " + i + ": " + FigureTable.ms(samples[i]));
            assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            body = r.body();
        }
        JsonNode last = MAPPER.readTree(body);
        if (label.equals("Table")) {
            assertThat(last.path("kind").asText()).isEqualTo("Table");
            assertThat(last.path("rows")).hasSize(LISTED);
        } else {
            assertThat(last.path("kind").asText()).isEqualTo("PodList");
            assertThat(last.path("items")).hasSize(LISTED);
        }
        Arrays.sort(samples);
        Map<String, String> out = new LinkedHashMap<>();
        out.put(String.format("list %,d pods ", LISTED) + label + " p50 of " + LIST_SAMPLES, FigureTable.ms(samples[samples.length / 2]));
        out.put(String.format("list %,d pods ", LISTED) + label + " max of " + LIST_SAMPLES, FigureTable.ms(samples[samples.length - 1]));
        out.put(String.format("list %,d pods ", LISTED) + label + " body", String.format("%.1f MB", body.length / 1e6));
        return out;
    }

    /**
     * 1,000 watch streams (one HTTP connection each) on a namespace, then Pod creates one at a time: the time
     * from issuing each create until every watcher has read its event.
     */
    private static Map<String, String> watchFanOut(AdminHttp admin, HttpClient http, String url) throws Exception {
        HttpResponse<String> listed = send(http, HttpRequest.newBuilder(URI.create(url + FANOUT)).GET().build());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        String rv = MAPPER.readTree(listed.body()).path("metadata").path("resourceVersion").asText();
        // Write 0 is a warm-up: once every watcher has it, every stream is open and registered.
        int writes = WATCHED_WRITES + 1;
        AtomicLongArray first = new AtomicLongArray(writes);
        AtomicLongArray last = new AtomicLongArray(writes);
        CountDownLatch[] delivered = new CountDownLatch[writes];
        for (int i = 0; i < writes; i++) {
            first.set(i, Long.MAX_VALUE);
            delivered[i] = new CountDownLatch(WATCHERS);
        }
        AtomicLong events = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ExecutorService readers = Executors.newFixedThreadPool(4);
        // 1,000 connections opened at once: over TLS their handshakes queue on the server's cores, so the connect
        // timeout (which covers the handshake) is generous; the figure measured is the delivery once they are open.
        HttpClient watchClient = admin.httpBuilder().executor(readers).connectTimeout(Duration.ofSeconds(120)).build();
        List<Watcher> watchers = new ArrayList<>();
        URI watchUri = URI.create(url + FANOUT + "?watch=true&timeoutSeconds=900&resourceVersion=" + rv);
        try {
            // At most OPENING connections at once are still being set up (TCP, TLS handshake, request head), as watchers
            // come one after another: a thousand handshakes at once on two cores outlast the server's 10 s TLS
            // handshake timeout.
            Semaphore opening = new Semaphore(OPENING);
            long openStart = System.nanoTime();
            for (int w = 0; w < WATCHERS; w++) {
                Watcher watcher = new Watcher(first, last, delivered, events, problems);
                watchers.add(watcher);
                opening.acquire();
                AtomicBoolean set = new AtomicBoolean();
                watchClient.sendAsync(HttpRequest.newBuilder(watchUri).GET().build(), info -> {
                    if (set.compareAndSet(false, true)) {
                        opening.release();
                    }
                    if (info.statusCode() != 200) {
                        problems.add("watch answered " + info.statusCode());
                    }
                    return HttpResponse.BodySubscribers.fromLineSubscriber(watcher);
                }).whenComplete((r, e) -> {
                    if (set.compareAndSet(false, true)) {
                        opening.release();
                    }
                    if (e != null) {
                        problems.add("watch failed: " + e);
                    }
                });
            }
            opening.acquire(OPENING);
            long openNanos = System.nanoTime() - openStart;
            progress(String.format("%,d watch streams answered 200 after %.1f s, at most %d being opened at once", WATCHERS,
                    openNanos / 1e9, OPENING));
            long opened = System.nanoTime();
            long[] started = new long[writes];
            for (int i = 0; i < writes; i++) {
                HttpRequest create = HttpRequest.newBuilder(URI.create(url + FANOUT)).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(pod(String.format("%s%04d", WATCHED_PREFIX, i))))
                        .build();
                started[i] = System.nanoTime();
                HttpResponse<String> r = send(http, create);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                boolean all = delivered[i].await(i == 0 ? 120 : 30, TimeUnit.SECONDS);
                assertThat(all).as("all %d watchers got event %d (%d missing; problems: %s)", WATCHERS, i, delivered[i].getCount(), problems)
                        .isTrue();
                if (i == 0) {
                    progress(String.format("%,d watch streams open and delivering after %.1f s", WATCHERS, (System.nanoTime() - opened) / 1e9));
                }
            }
            progress(String.format("%,d watched creates delivered", WATCHED_WRITES));
            assertThat(problems).isEmpty();
            assertThat(events.get()).as("events delivered").isEqualTo((long) WATCHERS * writes);
            long[] toAll = new long[WATCHED_WRITES];
            long[] toFirst = new long[WATCHED_WRITES];
            for (int i = 1; i < writes; i++) {
                toAll[i - 1] = last.get(i) - started[i];
                toFirst[i - 1] = first.get(i) - started[i];
            }
            Arrays.sort(toAll);
            Arrays.sort(toFirst);
            Map<String, String> out = new LinkedHashMap<>();
            out.put(String.format("watch: %,d streams opened, 50 at a time", WATCHERS), String.format("%.1f s", openNanos / 1e9));
            out.put(String.format("watch: create → first of %,d watchers p50", WATCHERS), FigureTable.ms(toFirst[WATCHED_WRITES / 2]));
            out.put(String.format("watch: create → all %,d watchers p50", WATCHERS), FigureTable.ms(toAll[WATCHED_WRITES / 2]));
            out.put(String.format("watch: create → all %,d watchers p99", WATCHERS), FigureTable.ms(toAll[(int) (WATCHED_WRITES * 0.99)]));
            out.put("watch events delivered", String.format("%,d", events.get()));
            return out;
        } finally {
            watchers.forEach(Watcher::cancel);
            readers.shutdownNow();
        }
    }

    /** One watch stream's reader: notes when each watched Pod's ADDED event arrives. */
    private static final class Watcher implements Flow.Subscriber<String> {
        private static final String MARK = "\"name\":\"" + WATCHED_PREFIX;
        private final AtomicLongArray first;
        private final AtomicLongArray last;
        private final CountDownLatch[] delivered;
        private final AtomicLong events;
        private final ConcurrentLinkedQueue<String> problems;
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        Watcher(AtomicLongArray first, AtomicLongArray last, CountDownLatch[] delivered, AtomicLong events,
                ConcurrentLinkedQueue<String> problems) {
            this.first = first;
            this.last = last;
            this.delivered = delivered;
            this.events = events;
            this.problems = problems;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            long now = System.nanoTime();
            int at = line.indexOf(MARK);
            if (!line.startsWith("{\"type\":\"ADDED\"") || at < 0) {
                problems.add("unexpected event: " + line.substring(0, Math.min(200, line.length())));
                return;
            }
            int from = at + MARK.length();
            int index = Integer.parseInt(line.substring(from, from + 4));
            first.accumulateAndGet(index, now, Math::min);
            last.accumulateAndGet(index, now, Math::max);
            events.incrementAndGet();
            delivered[index].countDown();
        }

        @Override
        public void onError(Throwable t) {
            if (!cancelled) {
                problems.add("watch stream failed: " + t);
            }
        }

        @Override
        public void onComplete() {
            if (!cancelled) {
                problems.add("watch stream ended early");
            }
        }

        void cancel() {
            cancelled = true;
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    private static void progress(String message) {
        System.err.printf("[ApiServerBenchmark %tT] %s%n", System.currentTimeMillis(), message);
    }

    private static String pod(String name) {
        return POD.formatted(name);
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void print(Map<String, Map<String, String>> table, String where) {
        FigureTable.print(String.format("API server benchmark (%s; %d cores; loopback HTTP/1.1 over TLS with the admin's client certificate, "
                        + "as by default; Pod bodies of %,d bytes; " + where + ")", BenchSize.label(), Runtime.getRuntime().availableProcessors(),
                        pod("serial-00000").getBytes(StandardCharsets.UTF_8).length),
                table, "Budgets: DESIGN.md, single-object write p99 <= 10 ms at 50 clients; Kubernetes SLO, mutating call p99 <= 1 s.\n"
                        + (table.containsKey(PLAIN) ? "\"" + PLAIN + "\": the same embedded server with --insecure-loopback (no TLS, no "
                        + "authentication), measured in this run as the baseline of what TLS costs.\n" : "")
                        + "Each watcher is a connection of its own: over TLS the fan-out makes one handshake per watcher, at most 50 at once.");
    }
}
