package io.coxswain.tests.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.tests.cluster.AdminHttp;
import io.coxswain.tests.cluster.ApiServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse of a real apiserver in its own JVM (the built jar, embedded store): fuzzed bodies (random JSON and YAML, random
 * bytes, wrong types, huge strings, deep nesting, alias bombs), oversized requests, slow clients (slowloris), a flood
 * of 10,000 watches from one client, path traversal in names and header injection. For every case the server answers
 * the right 4xx (with a Status when it is past the HTTP layer), stays up, and a healthy client polling beside it is
 * served the whole time. It prints how many cases each category tried. The fuzz seed is
 * {@code -Dcoxswain.fuzz.seed=N} (printed, so a failure can be replayed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbuseTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NS = "/api/v1/namespaces/default/";
    private static final String CONFIGMAPS = NS + "configmaps";
    private static final int SLOW_CLIENT_SECONDS = 2;
    /** Vert.x's default TLS handshake timeout, which the apiserver leaves as it is: it cuts a connection that never completes a handshake. */
    private static final int TLS_HANDSHAKE_SECONDS = 10;
    private static final int WATCH_FLOOD = 10_000;
    /** The server's default cap (ApiServerOptions.DEFAULT_MAX_WATCHES_PER_CLIENT), which this test leaves as it is. */
    private static final int WATCH_CAP = 2_000;

    private final Map<String, Integer> tried = new LinkedHashMap<>();
    private final long seed = Long.getLong("coxswain.fuzz.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private ApiServerProcess server;
    private ApiServerProcess slowServer;
    private RawHttp raw;
    private HttpClient http;
    private HttpClient slowHttp;
    private Path workDir;
    private JsonNode seedConfig;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        workDir = dir;
        System.out.println("AbuseTest fuzz seed: " + seed + " (replay with -Dcoxswain.fuzz.seed=" + seed + ")");
        server = ApiServerProcess.start(dir.resolve("main"), "--store", "embedded", "--data-dir", dir.resolve("main").toString());
        // A second server that gives slow clients 2 s instead of 60, so the slowloris cases take seconds.
        slowServer = ApiServerProcess.start(dir.resolve("slow"), "--store", "embedded", "--data-dir", dir.resolve("slow").toString(),
                "--slow-client-timeout", Integer.toString(SLOW_CLIENT_SECONDS));
        raw = new RawHttp(server.http());
        http = server.http().http();
        slowHttp = slowServer.http().http(); // the slow server has a CA and an admin of its own
        HttpResponse<String> created = send("POST", server.url() + CONFIGMAPS, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"seed-config\"},\"data\":{\"k\":\"v\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        seedConfig = MAPPER.readTree(created.body());
    }

    @AfterAll
    void stop() {
        int total = tried.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder out = new StringBuilder("\nAbuse cases tried (server in its own JVM, embedded store; seed " + seed + ")\n");
        out.append(String.format("| %-50s | %8s |%n|%s|%s|%n", "category", "cases", "-".repeat(52), "-".repeat(10)));
        tried.forEach((category, n) -> out.append(String.format("| %-50s | %,8d |%n", category, n)));
        out.append(String.format("| %-50s | %,8d |%n", "total", total));
        System.out.println(out);
        if (server != null) {
            server.close();
        }
        if (slowServer != null) {
            slowServer.close();
        }
    }

    // ---- fuzzed bodies ----

    @Test
    @Order(1)
    void fuzzedJsonBodiesAreAnsweredWithA4xxOrAccepted() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            int cases = 0;
            List<ObjectNode> bases = List.of(pod("base"), configMap("base"), service("base"), deployment("base"));
            // Structural mutations: a random node replaced, removed, renamed or given a sibling.
            for (int i = 0; i < 400; i++) {
                ObjectNode doc = bases.get(i % bases.size()).deepCopy();
                ((ObjectNode) doc.get("metadata")).put("name", "fz-" + i);
                for (int m = 1 + random.nextInt(3); m > 0; m--) {
                    mutate(doc);
                }
                String validation = List.of("", "?fieldValidation=Strict", "?fieldValidation=Warn", "?fieldValidation=Ignore")
                        .get(random.nextInt(4));
                expectAcceptedOr4xx("POST", collection(doc) + validation, "application/json", doc.toString().getBytes(StandardCharsets.UTF_8));
                cases++;
            }
            // Byte-level damage to valid JSON: flipped, dropped and inserted bytes.
            for (int i = 0; i < 250; i++) {
                ObjectNode doc = bases.get(i % bases.size()).deepCopy();
                ((ObjectNode) doc.get("metadata")).put("name", "fb-" + i);
                expectAcceptedOr4xx("POST", collection(doc), "application/json", damage(doc.toString().getBytes(StandardCharsets.UTF_8)));
                cases++;
            }
            // Random bytes under each content type the server decodes.
            for (String type : List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")) {
                for (int i = 0; i < 60; i++) {
                    byte[] junk = new byte[1 + random.nextInt(2048)];
                    random.nextBytes(junk);
                    if (type.endsWith("protobuf") && i % 2 == 0) {
                        junk[0] = 'k';
                        junk[1 % junk.length] = '8';
                    }
                    Result r = expectAcceptedOr4xx("POST", CONFIGMAPS, type, junk);
                    assertThat(r.code()).as("random bytes as %s: %s", type, r).isEqualTo(400);
                    cases++;
                }
            }
            count("fuzzed JSON / bytes bodies", cases);
            healthy.check("fuzzed JSON bodies");
        }
    }

    @Test
    @Order(2)
    void fuzzedYamlBodiesAreAnsweredWithA4xxOrAccepted() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            int cases = 0;
            String yaml = """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: NAME
                      labels: {app: web, "tier": 'front'}
                      annotations:
                        note: |
                          a block
                          of text
                    data:
                      a: "1"
                      b: >-
                        folded
                        text
                      list: "[x, y]"
                    """;
            for (int i = 0; i < 300; i++) {
                byte[] damaged = damageYaml(yaml.replace("NAME", "fy-" + i));
                expectAcceptedOr4xx("POST", CONFIGMAPS, "application/yaml", damaged);
                cases++;
            }
            count("fuzzed YAML bodies", cases);
            healthy.check("fuzzed YAML bodies");
        }
    }

    @Test
    @Order(3)
    void wrongTypesAre400() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            Map<String, JsonNode> wrong = new LinkedHashMap<>();
            JsonNodeFactory f = JsonNodeFactory.instance;
            wrong.put("/metadata/name", f.numberNode(5));
            wrong.put("/metadata/labels", f.arrayNode().add("a"));
            wrong.put("/metadata/annotations", f.textNode("x"));
            wrong.put("/metadata", f.textNode("meta"));
            wrong.put("/spec", f.arrayNode());
            wrong.put("/spec/containers", f.textNode("x"));
            wrong.put("/spec/containers/0", f.numberNode(1));
            wrong.put("/spec/containers/0/image", f.booleanNode(true));
            wrong.put("/spec/containers/0/name", f.objectNode());
            wrong.put("/spec/containers/0/ports/0/containerPort", f.textNode("http"));
            wrong.put("/spec/containers/0/args", f.textNode("--flag"));
            wrong.put("/spec/containers/0/env", f.objectNode().put("A", "1"));
            wrong.put("/spec/restartPolicy", f.numberNode(1));
            wrong.put("/spec/terminationGracePeriodSeconds", f.textNode("30s"));
            wrong.put("/spec/nodeSelector", f.arrayNode().add("linux"));
            int cases = 0;
            for (Map.Entry<String, JsonNode> e : wrong.entrySet()) {
                ObjectNode doc = pod("wt-" + cases);
                set(doc, e.getKey(), e.getValue());
                Result r = expectAcceptedOr4xx("POST", NS + "pods", "application/json", doc.toString().getBytes(StandardCharsets.UTF_8));
                assertThat(r.code()).as("%s = %s: %s", e.getKey(), e.getValue(), r).isEqualTo(400);
                assertThat(r.status().path("reason").asText()).isEqualTo("BadRequest");
                cases++;
            }
            count("wrong types", cases);
            healthy.check("wrong types");
        }
    }

    @Test
    @Order(4)
    void hugeStringsAreRefusedWithTheRightCode() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            record Huge(String label, String body, int code) {
            }
            List<Huge> cases = List.of(
                    new Huge("a 300-character name", cm("n".repeat(300), "\"a\":\"b\""), 422),
                    new Huge("a 100 KiB label value", cmWith("\"labels\":{\"a\":\"" + "v".repeat(100 * 1024) + "\"}", "\"a\":\"b\""), 422),
                    new Huge("a 1 MiB data key", cm("hk1", "\"" + "k".repeat(1024 * 1024) + "\":\"v\""), 400),
                    new Huge("a 2 MiB data value (past the store's limit)", cm("hk2", "\"a\":\"" + "x".repeat(2 * 1024 * 1024) + "\""), 413),
                    new Huge("a 3.1 MiB body", cm("hk3", "\"a\":\"" + "x".repeat(3 * 1024 * 1024 + 100_000) + "\""), 413),
                    new Huge("a number of 10,000 digits", cmWith("\"generation\":" + "9".repeat(10_000), "\"a\":\"b\""), 400),
                    new Huge("a 1e400 label value", cmWith("\"labels\":{\"a\":1e400}", "\"a\":\"b\""), 400),
                    new Huge("100,000 keys", cm("hk4", keys(100_000)), 413),
                    new Huge("a 2 MiB namespace name in the body", cmWith("\"namespace\":\"" + "n".repeat(2 * 1024 * 1024) + "\"", "\"a\":\"b\""), 400));
            for (Huge huge : cases) {
                Result r = expectAcceptedOr4xx("POST", CONFIGMAPS, "application/json", huge.body().getBytes(StandardCharsets.UTF_8));
                assertThat(r.code()).as("%s: %s", huge.label(), r).isEqualTo(huge.code());
            }
            count("huge strings and numbers", cases.size());
            healthy.check("huge strings");
        }
    }

    @Test
    @Order(5)
    void deepNestingIs400() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            int cases = 0;
            for (int depth : new int[] {101, 1_000, 100_000}) {
                for (String where : List.of("data", "metadata", "top")) {
                    String deepArray = "[".repeat(depth) + "]".repeat(depth);
                    String deepObject = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                    for (String deep : List.of(deepArray, deepObject)) {
                        String body = switch (where) {
                            case "data" -> cm("deep", "\"a\":" + deep);
                            case "metadata" -> cmWith("\"labels\":" + deep, "\"a\":\"b\"");
                            default -> deep;
                        };
                        Result r = expectAcceptedOr4xx("POST", CONFIGMAPS, "application/json", body.getBytes(StandardCharsets.UTF_8));
                        assertThat(r.code()).as("JSON nested %d deep in %s: %s", depth, where, r).isEqualTo(400);
                        cases++;
                    }
                }
                String flow = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deepy\ndata:\n  a: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
                StringBuilder block = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deepy\ndata:\n");
                for (int i = 0; i < Math.min(depth, 1_000); i++) { // 1,000 levels of block indentation are 1 MB
                    block.append("  ".repeat(i + 1)).append("k:\n");
                }
                for (String yaml : List.of(flow, block.toString())) {
                    Result r = expectAcceptedOr4xx("POST", CONFIGMAPS, "application/yaml", yaml.getBytes(StandardCharsets.UTF_8));
                    assertThat(r.code()).as("YAML nested %d deep: %s", depth, r).isEqualTo(400);
                    cases++;
                }
            }
            count("deep nesting (JSON and YAML)", cases);
            healthy.check("deep nesting");
        }
    }

    @Test
    @Order(6)
    void aliasBombsAreRefusedQuickly() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            Map<String, String> bombs = new LinkedHashMap<>();
            StringBuilder laughs = new StringBuilder("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
            for (char c = 'b'; c <= 'j'; c++) {
                String ref = "*" + (char) (c - 1);
                laughs.append(c).append(": &").append(c).append(" [").append(String.join(",", Collections.nCopies(9, ref))).append("]\n");
            }
            bombs.put("billion laughs", header("bomb1") + laughs + "data:\n  boom: *j\n");
            bombs.put("billion laughs under an unknown field", header("bomb2") + laughs + "extra: *j\n");
            bombs.put("a self-referencing anchor", header("bomb3") + "data: &d\n  self: *d\n");
            bombs.put("a wide anchor referenced 10,000 times",
                    header("bomb4") + "w: &w [" + String.join(",", Collections.nCopies(1_000, "x")) + "]\nextra: ["
                            + String.join(",", Collections.nCopies(10_000, "*w")) + "]\n");
            StringBuilder merges = new StringBuilder("m0: &m0 {a: 1, b: 2}\n");
            for (int i = 1; i <= 12; i++) {
                merges.append("m").append(i).append(": &m").append(i).append(" {<<: [*m").append(i - 1).append(", *m").append(i - 1)
                        .append("], k").append(i).append(": 1}\n");
            }
            // Merge keys take the union of keys, so 12 levels of doubling stay 14 keys: read quickly, and accepted.
            bombs.put("nested merge keys", header("bomb5") + merges + "extra: *m12\n");
            bombs.put("an alias to an undefined anchor", header("bomb6") + "data: *nowhere\n");
            int cases = 0;
            for (Map.Entry<String, String> bomb : bombs.entrySet()) {
                long t0 = System.nanoTime();
                Result r = expectAcceptedOr4xx("POST", CONFIGMAPS, "application/yaml", bomb.getValue().getBytes(StandardCharsets.UTF_8));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.code()).as("%s: %s", bomb.getKey(), r).isEqualTo(bomb.getKey().contains("merge") ? 201 : 400);
                assertThat(millis).as("%s is answered quickly, not expanded", bomb.getKey()).isLessThan(2_000);
                cases++;
            }
            count("YAML alias bombs", cases);
            healthy.check("alias bombs");
        }
    }

    // ---- oversized requests ----

    @Test
    @Order(10)
    void oversizedRequestsAre413414And431() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            byte[] big = cm("big", "\"a\":\"" + "x".repeat(4 * 1024 * 1024) + "\"").getBytes(StandardCharsets.UTF_8);
            int cases = 0;
            for (String method : List.of("POST", "PUT", "PATCH")) {
                String path = method.equals("POST") ? CONFIGMAPS : CONFIGMAPS + "/seed-config";
                String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
                RawHttp.Answer sized = raw.exchange(RawHttp.bytes(RawHttp.request(method, path, type, big), big));
                assertThat(sized.code()).as("%s of 4 MiB: %s", method, sized).isEqualTo(413);
                assertThat(MAPPER.readTree(sized.body()).path("reason").asText()).isEqualTo("RequestEntityTooLarge");
                cases++;
                HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", type)
                        .timeout(Duration.ofSeconds(30))
                        .method(method, HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(big))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(chunked.statusCode()).as("chunked %s of 4 MiB: %s", method, chunked.body()).isEqualTo(413);
                cases++;
            }
            // A Content-Length of 100 MiB with a body of one byte: refused from the head, without waiting for the rest.
            RawHttp.Answer lying = raw.exchange("POST " + CONFIGMAPS + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 104857600\r\n\r\n{");
            assertThat(lying.code()).as(lying.toString()).isEqualTo(413);
            cases++;
            record Head(String label, String request, int code) {
            }
            List<Head> heads = List.of(
                    new Head("a 5,000-character URL", "GET /healthz?" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                    new Head("a 100,000-character URL", "GET " + CONFIGMAPS + "/" + "n".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                    new Head("a 9 KiB header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9 * 1024) + "\r\n\r\n", 431),
                    new Head("a 1 MiB header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1024 * 1024) + "\r\n\r\n", 431),
                    new Head("2,000 small headers", "GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers(2_000) + "\r\n", 431),
                    new Head("a 10,000-character header name", "GET /healthz HTTP/1.1\r\nHost: x\r\n" + "X".repeat(10_000) + ": y\r\n\r\n", 431));
            for (Head head : heads) {
                RawHttp.Answer r = raw.exchange(head.request());
                assertThat(r.code()).as("%s: %s", head.label(), r).isEqualTo(head.code());
                cases++;
            }
            assertThat(get(server.url() + CONFIGMAPS + "/big").statusCode()).isEqualTo(404);
            count("oversized requests (body, URL, headers)", cases);
            healthy.check("oversized requests");
        }
    }

    // ---- slow clients ----

    @Test
    @Order(20)
    void slowClientsAreCutOffWhileOthersAreServedAndQuietWatchesAreKept() throws Exception {
        RawHttp slow = new RawHttp(slowServer.http());
        // A quiet watch: no events and no bookmarks for longer than the slow-client timeout, yet it is no slow client.
        Socket quietWatch = slow.connect("127.0.0.1");
        quietWatch.getOutputStream().write(RawHttp.request("GET", NS + "configmaps?watch=true&resourceVersion=0", null, null)
                .replace("Connection: close\r\n", "").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RawHttp.read(quietWatch, 10_000, true).code()).isEqualTo(200);
        List<Socket> sockets = new ArrayList<>();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        try (Healthy healthy = new Healthy(slowServer.http())) {
            String partialHead = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
            String partialBody = "POST " + CONFIGMAPS + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":";
            byte[] tlsHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, 0x00, 0x00, 0x00};
            // Over TLS (handshake done): the slow-client sweep cuts them.
            Map<String, byte[]> openings = new LinkedHashMap<>();
            openings.put("partial request head", partialHead.getBytes(StandardCharsets.ISO_8859_1));
            openings.put("partial request body", partialBody.getBytes(StandardCharsets.ISO_8859_1));
            openings.put("TLS connection sending nothing", new byte[0]);
            openings.put("head dripped a byte at a time", "G".getBytes(StandardCharsets.ISO_8859_1));
            // Below HTTP, before or instead of a TLS handshake: the TLS handshake timeout cuts them (Vert.x's, 10 s).
            Map<String, byte[]> beforeTls = new LinkedHashMap<>();
            beforeTls.put("TCP connection sending no TLS hello", new byte[0]);
            beforeTls.put("TLS hello cut short", tlsHello);
            beforeTls.put("plain HTTP head cut short", partialHead.getBytes(StandardCharsets.ISO_8859_1));
            int perKind = 150;
            long openedBeforeTls = System.nanoTime();
            Map<String, List<Socket>> stuck = open(beforeTls, perKind, () -> slow.connectTcp("127.0.0.1"));
            Map<String, List<Socket>> overTls = open(openings, perKind, () -> slow.connect("127.0.0.1"));
            List<Socket> stuckBeforeTls = new ArrayList<>();
            stuck.values().forEach(stuckBeforeTls::addAll);
            overTls.values().forEach(sockets::addAll);
            sockets.addAll(stuckBeforeTls);
            stuck.forEach((kind, opened) -> kinds.put(kind, opened.size()));
            overTls.forEach((kind, opened) -> kinds.put(kind, opened.size()));
            List<Socket> drippers = new ArrayList<>(overTls.get("head dripped a byte at a time"));
            // The drippers keep sending (one byte each 300 ms) and are still cut: the time counts from the start of the head.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(SLOW_CLIENT_SECONDS + 3);
            byte[] drip = "ET /healthz HTTP/1.1\r\nHost: x\r\nX-Drip: ".getBytes(StandardCharsets.ISO_8859_1);
            int at = 0;
            while (System.nanoTime() < until) {
                for (Iterator<Socket> it = drippers.iterator(); it.hasNext(); ) {
                    Socket s = it.next();
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(drip[Math.min(at, drip.length - 1)]);
                        out.flush();
                    } catch (IOException closed) {
                        it.remove();
                    }
                }
                at++;
                Thread.sleep(300);
            }
            int stillOpen = 0;
            for (Socket s : sockets) {
                if (!stuckBeforeTls.contains(s) && !RawHttp.closedByServer(s, 3_000)) {
                    stillOpen++;
                }
            }
            assertThat(stillOpen).as("slow connections the server did not close within %d s of its %d s timeout",
                    5, SLOW_CLIENT_SECONDS).isZero();
            int stillBeforeTls = 0;
            for (Socket s : stuckBeforeTls) {
                long left = TimeUnit.SECONDS.toMillis(TLS_HANDSHAKE_SECONDS + 3) - (System.nanoTime() - openedBeforeTls) / 1_000_000;
                if (!RawHttp.closedByServer(s, (int) Math.max(1, left))) {
                    stillBeforeTls++;
                }
            }
            assertThat(stillBeforeTls).as("connections without a TLS handshake the server did not close within %d s",
                    TLS_HANDSHAKE_SECONDS + 3).isZero();
            System.out.printf("  %d connections without a TLS handshake were all found closed by the server %.1f s after they were opened%n",
                    stuckBeforeTls.size(), (System.nanoTime() - openedBeforeTls) / 1e9);
            healthy.check("slow clients");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        // The quiet watch outlived the timeout and still delivers.
        HttpResponse<String> created = send("POST", slowServer.url() + CONFIGMAPS, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"after-slow\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        quietWatch.setSoTimeout(10_000);
        String chunk = readUntil(quietWatch, "after-slow");
        assertThat(chunk).contains("\"type\":\"ADDED\"").contains("after-slow");
        quietWatch.close();
        kinds.forEach((kind, n) -> count("slow clients: " + kind, n));
        count("slow clients: quiet watch kept past the timeout", 1);
    }

    // ---- watch flood ----

    @Test
    @Order(30)
    void tenThousandWatchesFromOneClientAreCappedAndOthersStillWatch() throws Exception {
        List<Socket> held = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        // A namespace of its own, watched from now on: no initial events, so every stream stays quiet until a write.
        HttpResponse<String> ns = send("POST", server.url() + "/api/v1/namespaces", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"flood\"}}");
        assertThat(ns.statusCode()).as(ns.body()).isEqualTo(201);
        String flood = "/api/v1/namespaces/flood/configmaps";
        String rv = MAPPER.readTree(get(server.url() + flood).body()).path("metadata").path("resourceVersion").asText();
        String watch = RawHttp.request("GET", flood + "?watch=true&timeoutSeconds=900&resourceVersion=" + rv, null, null)
                .replace("Connection: close\r\n", "");
        // A client is its user: the other client has a certificate of its own.
        RawHttp otherClient = new RawHttp(server.http().asUser(server.pki(), "abuse-other-client", List.of("system:masters"),
                workDir.resolve("other-client.kubeconfig")));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Healthy healthy = new Healthy(server.http())) {
            AtomicInteger next = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                workers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < WATCH_FLOOD) {
                        try {
                            Socket s = raw.connect("127.0.0.1");
                            s.getOutputStream().write(watch.getBytes(StandardCharsets.ISO_8859_1));
                            RawHttp.Answer a = RawHttp.read(s, 30_000, true);
                            if (a.code() == 200) {
                                accepted.incrementAndGet();
                                held.add(s);
                            } else {
                                if (a.code() == 429 && MAPPER.readTree(a.body()).path("reason").asText().equals("TooManyRequests")
                                        && a.header("Retry-After").equals(List.of("1"))) {
                                    refused.incrementAndGet();
                                } else {
                                    wrong.add(a.toString());
                                }
                                s.close();
                            }
                        } catch (IOException e) {
                            wrong.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(10, TimeUnit.MINUTES);
            }
            System.out.printf("%,d watches from one client in %.1f s: %,d accepted, %,d refused with 429%n", WATCH_FLOOD,
                    (System.nanoTime() - t0) / 1e9, accepted.get(), refused.get());
            assertThat(wrong).as("answers other than 200 or a 429 Status").isEmpty();
            assertThat(accepted.get()).isEqualTo(WATCH_CAP);
            assertThat(refused.get()).isEqualTo(WATCH_FLOOD - WATCH_CAP);

            // Another client (another user, from another loopback address) still gets its watch, and it delivers.
            Socket other = otherClient.connect("127.0.0.2");
            other.getOutputStream().write(watch.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(RawHttp.read(other, 10_000, true).code()).as("a watch from another client").isEqualTo(200);
            HttpResponse<String> created = send("POST", server.url() + flood, "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"during-flood\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(readUntil(other, "during-flood")).contains("during-flood");
            assertThat(readUntil(held.get(0), "during-flood")).as("a held watch of the flooding client delivers too").contains("during-flood");
            other.close();
            assertThat(metric("coxswain_watches_refused_total")).isEqualTo(WATCH_FLOOD - WATCH_CAP);
            healthy.check("watch flood");
        } finally {
            pool.shutdownNow();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
        // Closed watches are given back: the client may watch again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (metric("apiserver_longrunning_requests{verb=\"WATCH\"}") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(metric("apiserver_longrunning_requests{verb=\"WATCH\"}")).as("open watches after the flood closed").isZero();
        Socket again = raw.connect("127.0.0.1");
        again.getOutputStream().write(watch.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(RawHttp.read(again, 10_000, true).code()).as("a watch once the flood is over").isEqualTo(200);
        again.close();
        count("watch flood: watches from one client", WATCH_FLOOD);
        count("watch flood: other client's watch, watch after", 2);
    }

    // ---- path traversal ----

    @Test
    @Order(40)
    void pathTraversalInNamesNeverReachesAnotherObject() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            // Another namespace's object that a traversal would aim at.
            HttpResponse<String> target = send("POST", server.url() + "/api/v1/namespaces/kube-system/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"target\"},\"data\":{\"secret\":\"s\"}}");
            assertThat(target.statusCode()).as(target.body()).isEqualTo(201);
            List<String> names = List.of("..", ".", "%2e%2e", "%2E%2E", ".%2e", "..%2f..%2fkube-system%2fconfigmaps%2ftarget",
                    "..%2F..%2Fkube-system%2Fconfigmaps%2Ftarget", "%2e%2e%2f%2e%2e%2fkube-system%2fconfigmaps%2ftarget", "a%2Fb", "%2F",
                    "..%5c..%5ctarget", "..\\..\\target", "seed-config%00", "seed-config%2500", "%252e%252e", "..;", "...", "....//",
                    "%c0%ae%c0%ae", "target%23", "target%3F", "seed-config%20", "%00");
            int cases = 0;
            for (String name : names) {
                for (String method : List.of("GET", "DELETE", "PUT", "PATCH")) {
                    byte[] body = method.equals("PUT") ? cm("x", "\"a\":\"b\"").getBytes(StandardCharsets.UTF_8)
                            : method.equals("PATCH") ? "{\"data\":{\"p\":\"q\"}}".getBytes(StandardCharsets.UTF_8) : null;
                    String type = method.equals("PATCH") ? "application/merge-patch+json" : body == null ? null : "application/json";
                    RawHttp.Answer a = raw.exchange(RawHttp.bytes(RawHttp.request(method, CONFIGMAPS + "/" + name, type, body), body));
                    assertThat(a.code()).as("%s %s: %s", method, name, a).isIn(400, 404);
                    assertThat(a.body()).as("%s %s", method, name).doesNotContain("\"secret\"");
                    assertStatus(a);
                    cases++;
                }
                // Created under the name: refused as an invalid name.
                byte[] body = ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":" + MAPPER.writeValueAsString(decoded(name))
                        + "}}").getBytes(StandardCharsets.UTF_8);
                RawHttp.Answer created = raw.exchange(RawHttp.bytes(RawHttp.request("POST", CONFIGMAPS, "application/json", body), body));
                assertThat(created.code()).as("POST named %s: %s", name, created).isIn(400, 422);
                assertStatus(created);
                cases++;
            }
            // Traversal in the namespace and in whole segments.
            List<String> paths = List.of("/api/v1/namespaces/../configmaps", "/api/v1/namespaces/%2e%2e/configmaps",
                    "/api/v1/namespaces/default%2f..%2fkube-system/configmaps", "/api/v1/namespaces/default/configmaps/../../kube-system/configmaps/target",
                    "/api/v1/namespaces/default/configmaps/%2e%2e/%2e%2e/kube-system/configmaps/target",
                    "/api/v1/namespaces/default/../kube-system/configmaps/target", "/api/v1/namespaces/default/configmaps/x/../../../../healthz",
                    "/api/v1/namespaces//configmaps/target", "/api/v1//namespaces/kube-system/configmaps/target/..",
                    "/api/v1/namespaces/default/configmaps/./target", "/apis/../api/v1/namespaces/kube-system/configmaps/target/%2e%2e");
            for (String path : paths) {
                RawHttp.Answer a = raw.exchange(RawHttp.request("GET", path, null, null));
                assertThat(a.body()).as("GET %s: %s", path, a).doesNotContain("\"secret\"");
                if (a.code() == 200) {
                    assertThat(MAPPER.readTree(a.body()).path("items")).as("GET %s lists nothing", path).isEmpty();
                } else {
                    assertThat(a.code()).as("GET %s: %s", path, a).isIn(400, 404);
                }
                cases++;
            }
            // Nothing was changed or removed.
            JsonNode still = MAPPER.readTree(get(server.url() + "/api/v1/namespaces/kube-system/configmaps/target").body());
            assertThat(still.path("data").path("secret").asText()).isEqualTo("s");
            assertThat(MAPPER.readTree(get(server.url() + CONFIGMAPS + "/seed-config").body())).isEqualTo(seedConfig);
            count("path traversal in names and namespaces", cases);
            healthy.check("path traversal");
        }
    }

    // ---- header injection ----

    @Test
    @Order(50)
    void headerInjectionIsRefusedAndNeverReflected() throws Exception {
        try (Healthy healthy = new Healthy(server.http())) {
            record Case(String label, byte[] request, Set<Integer> codes) {
            }
            String get = "GET " + CONFIGMAPS + "/seed-config HTTP/1.1\r\nHost: x\r\n";
            String post = "POST " + CONFIGMAPS + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
            String body = cm("hi", "\"a\":\"b\"");
            List<Case> cases = new ArrayList<>();
            cases.add(new Case("bare CR in a header value", b(get + "X-A: a\rInjected: yes\r\n\r\n"), Set.of(400)));
            cases.add(new Case("bare LF in a header value", b(get + "X-A: a\nInjected : yes\r\n\r\n"), Set.of(400)));
            cases.add(new Case("NUL in a header value", b(get + "X-A: a\u0000Injected: yes\r\n\r\n"), Set.of(400)));
            cases.add(new Case("a space in a header name", b(get + "Injected Header: yes\r\n\r\n"), Set.of(400)));
            cases.add(new Case("a header without a colon", b(get + "Injected\r\n\r\n"), Set.of(400)));
            cases.add(new Case("a folded header line", b(get + "X-A: a\r\n Injected: yes\r\n\r\n"), Set.of(200, 400)));
            cases.add(new Case("two different Content-Lengths", b(post + "Content-Length: 5\r\nContent-Length: " + body.length() + "\r\n\r\n" + body),
                    Set.of(400)));
            cases.add(new Case("Content-Length with Transfer-Encoding", b(post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                    Set.of(400)));
            cases.add(new Case("a negative Content-Length", b(post + "Content-Length: -1\r\n\r\n" + body), Set.of(400)));
            cases.add(new Case("a smuggled second request", b(post + "Content-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /healthz HTTP/1.1\r\nInjected: yes\r\n\r\n"), Set.of(201, 409)));
            cases.add(new Case("an encoded CRLF in the name", b("GET " + CONFIGMAPS + "/x%0d%0aInjected:%20yes HTTP/1.1\r\nHost: x\r\n\r\n"),
                    Set.of(404)));
            cases.add(new Case("an encoded CRLF in a selector", b("GET " + CONFIGMAPS + "?labelSelector=a%0d%0aInjected:%20yes HTTP/1.1\r\nHost: x\r\n\r\n"),
                    Set.of(400)));
            cases.add(new Case("an encoded CRLF in a field selector", b("GET " + CONFIGMAPS + "?fieldSelector=metadata.name%3Dx%0d%0aInjected:%20yes HTTP/1.1\r\nHost: x\r\n\r\n"),
                    Set.of(200, 400)));
            String warned = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"warned\"},\"junk\\r\\nInjected: yes\":1}";
            cases.add(new Case("CRLF in an unknown field, echoed in a Warning", b("POST " + CONFIGMAPS + "?fieldValidation=Warn HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + warned.length() + "\r\n\r\n" + warned), Set.of(201)));
            String strict = warned.replace("warned", "strict");
            cases.add(new Case("CRLF in an unknown field, Strict", b("POST " + CONFIGMAPS + "?fieldValidation=Strict HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + strict.length() + "\r\n\r\n" + strict), Set.of(400)));
            cases.add(new Case("an unknown HTTP version", b("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"), Set.of(400, 501, 505)));
            cases.add(new Case("an unknown method", b("BREW " + CONFIGMAPS + " HTTP/1.1\r\nHost: x\r\n\r\n"), Set.of(404, 405)));
            cases.add(new Case("a bad chunk size", b(post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), Set.of(0, 400)));
            for (Case c : cases) {
                RawHttp.Answer a = raw.exchange(c.request());
                assertThat(a.code()).as("%s: %s", c.label(), a).isIn(c.codes().toArray());
                assertThat(a.hasHeader("Injected")).as("%s: an injected header came back: %s", c.label(), a).isFalse();
                if (a.code() >= 400) {
                    assertStatus(a);
                }
                if (c.label().contains("echoed in a Warning")) {
                    assertThat(a.header("Warning")).as(a.toString()).anySatisfy(w -> assertThat(w).contains("unknown field").contains("junk"));
                }
            }
            assertThat(get(server.url() + "/healthz").statusCode()).isEqualTo(200);
            count("header injection and request smuggling", cases.size());
            healthy.check("header injection");
        }
    }

    @Test
    @Order(100)
    void afterAllOfThisBothServersAreUpAndTheSeedIsIntact() throws Exception {
        assertThat(server.isAlive()).isTrue();
        assertThat(slowServer.isAlive()).isTrue();
        assertThat(get(server.url() + "/healthz").body()).isEqualTo("ok");
        assertThat(get(slowServer.url() + "/healthz").body()).isEqualTo("ok");
        assertThat(MAPPER.readTree(get(server.url() + CONFIGMAPS + "/seed-config").body())).isEqualTo(seedConfig);
        assertThat(server.log()).as("the server logged no internal error").doesNotContain("InternalError");
    }

    // ---- the healthy client ----

    /** A well-behaved client beside the abuse: a GET of a known object every 20 ms, each must answer 200 within 5 s. */
    private final class Healthy implements AutoCloseable {
        private final Thread thread;
        private final AtomicLong served = new AtomicLong();
        private final AtomicLong slowest = new AtomicLong();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private volatile boolean running = true;

        Healthy(AdminHttp admin) {
            HttpClient own = admin.http();
            HttpRequest probe = HttpRequest.newBuilder(URI.create(admin.url() + "/api/v1/namespaces/default")).timeout(Duration.ofSeconds(5)).GET().build();
            thread = new Thread(() -> {
                while (running) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = own.send(probe, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        } else {
                            served.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                    slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "healthy-client");
            thread.setDaemon(true);
            thread.start();
        }

        void check(String category) throws InterruptedException {
            Thread.sleep(100); // at least one more round after the last case
            running = false;
            thread.join(10_000);
            System.out.printf("  healthy client during %s: %,d requests served, slowest %.1f ms, %d failed%n", category, served.get(),
                    slowest.get() / 1e6, failures.size());
            assertThat(failures).as("the healthy client's failures during " + category).isEmpty();
            assertThat(served.get()).as("the healthy client was served during " + category).isPositive();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    // ---- fuzzing ----

    private record Result(int code, JsonNode status) {
    }

    /** Sends a fuzzed request: it gets 2xx or a 4xx Status (never a 5xx, never silence), and the server stays healthy. */
    private Result expectAcceptedOr4xx(String method, String path, String type, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", type)
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        String shown = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as("%s %s with %s -> %s", method, path, shown, r.body()).isBetween(200, 499);
        JsonNode status = null;
        if (r.statusCode() >= 400) {
            status = MAPPER.readTree(r.body());
            assertThat(status.path("kind").asText()).as(r.body()).isEqualTo("Status");
            assertThat(status.path("code").asInt()).as(r.body()).isEqualTo(r.statusCode());
            assertThat(status.path("message").asText()).as(r.body()).isNotBlank();
        }
        return new Result(r.statusCode(), status);
    }

    private void mutate(ObjectNode doc) {
        List<JsonNode> containers = new ArrayList<>();
        collect(doc, containers);
        JsonNode parent = containers.get(random.nextInt(containers.size()));
        JsonNode value = randomValue(0);
        if (parent instanceof ObjectNode o) {
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            int op = random.nextInt(4);
            if (fields.isEmpty() || op == 0) {
                o.set(randomString(), value);
            } else {
                String field = fields.get(random.nextInt(fields.size()));
                switch (op) {
                    case 1 -> o.set(field, value);
                    case 2 -> o.remove(field);
                    default -> {
                        JsonNode moved = o.remove(field);
                        o.set(randomString(), moved);
                    }
                }
            }
        } else if (parent instanceof ArrayNode a) {
            if (a.isEmpty() || random.nextBoolean()) {
                a.add(value);
            } else {
                a.set(random.nextInt(a.size()), value);
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.elements().forEachRemaining(child -> collect(child, out));
        }
    }

    private JsonNode randomValue(int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(depth > 3 ? 8 : 10)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(600) - 300));
            case 4 -> f.numberNode(new java.math.BigInteger(200, random));
            case 5, 6 -> f.textNode(randomString());
            case 7 -> f.textNode("x".repeat(random.nextInt(70_000)));
            case 8 -> {
                ArrayNode a = f.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = f.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(randomString(), randomValue(depth + 1));
                }
                yield o;
            }
        };
    }

    private String randomString() {
        String[] pool = {"", "a", "name", "-", "..", "/", "a/b", "\r\n", "\u0000", "ü", "\uD83D\uDE00", "\"", "\\", "%2e", "${x}", "<script>",
                "kind", "apiVersion", "metadata", "spec", "status", "containers", "0", "-1", "1e9", "true", "null", "\t", " "};
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            out.append(pool[random.nextInt(pool.length)]);
        }
        return out.toString();
    }

    private static final String INSERTED = "{}[]\",:\\ \u0000\u00ff";

    private byte[] damage(byte[] valid) {
        byte[] out = valid.clone();
        int edits = 1 + random.nextInt(5);
        StringBuilder s = new StringBuilder(new String(out, StandardCharsets.ISO_8859_1));
        for (int i = 0; i < edits && !s.isEmpty(); i++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.setCharAt(at, (char) random.nextInt(256));
                case 1 -> s.deleteCharAt(at);
                default -> s.insert(at, INSERTED.charAt(random.nextInt(INSERTED.length())));
            }
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] damageYaml(String valid) {
        StringBuilder s = new StringBuilder(valid);
        String pieces = "\t :-?&*!|>'\"{}[]#%@`\n  ,";
        for (int i = 1 + random.nextInt(4); i > 0 && !s.isEmpty(); i--) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(4)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, pieces.charAt(random.nextInt(pieces.length())));
                case 2 -> s.insert(at, List.of("&a ", "*a", "<<: *a\n", "!!binary ", "!!python/object ", "---\n", "...\n", "? ", "%YAML 1.1\n")
                        .get(random.nextInt(9)));
                default -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- helpers ----

    private static String collection(JsonNode doc) {
        return switch (doc.path("kind").asText()) {
            case "Pod" -> NS + "pods";
            case "Service" -> NS + "services";
            case "Deployment" -> "/apis/apps/v1/namespaces/default/deployments";
            default -> CONFIGMAPS;
        };
    }

    private static ObjectNode pod(String name) {
        return json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"app","image":"coxswain/busybox:1","args":["sleep","3600"],
                   "ports":[{"containerPort":8080,"name":"http"}],"env":[{"name":"A","value":"1"}],
                   "resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}],"restartPolicy":"Always"}}""".formatted(name));
    }

    private static ObjectNode configMap(String name) {
        return json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"labels\":{\"a\":\"b\"}},\"data\":{\"k\":\"v\"}}"
                .formatted(name));
    }

    private static ObjectNode service(String name) {
        return json("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s"},
                 "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}}""".formatted(name));
    }

    private static ObjectNode deployment(String name) {
        return json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                   "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"coxswain/busybox:1"}]}}}}"""
                .formatted(name));
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void set(ObjectNode doc, String pointer, JsonNode value) {
        int cut = pointer.lastIndexOf('/');
        JsonNode parent = doc.at(pointer.substring(0, cut));
        String last = pointer.substring(cut + 1);
        if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    /** A ConfigMap's JSON with this name and these data members, written out by hand so that it can hold anything. */
    private static String cm(String name, String data) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{" + data + "}}";
    }

    private static String cmWith(String metadata, String data) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cmw\"," + metadata + "},\"data\":{" + data + "}}";
    }

    private static String keys(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append("\"key-").append(i).append("\":\"").append("v".repeat(30)).append('"');
        }
        return out.toString();
    }

    private static String headers(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("X-H").append(i).append(": v\r\n");
        }
        return out.toString();
    }

    private static String header(String name) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String decoded(String name) {
        return java.net.URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** An answer past the HTTP layer is a Status; the HTTP codec's own refusals (400, 414, 431 with no body) are bare. */
    private static void assertStatus(RawHttp.Answer a) throws IOException {
        if (a.body().isEmpty() && a.header("Content-Type").isEmpty()) {
            return;
        }
        JsonNode status = MAPPER.readTree(a.body());
        assertThat(status.path("kind").asText()).as(a.toString()).isEqualTo("Status");
        assertThat(status.path("code").asInt()).as(a.toString()).isEqualTo(a.code());
    }

    private interface Connector {
        Socket connect() throws IOException;
    }

    /** {@code perKind} new connections for each opening, each sent the opening's bytes, by kind. */
    private static Map<String, List<Socket>> open(Map<String, byte[]> openings, int perKind, Connector connector) throws IOException {
        Map<String, List<Socket>> opened = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> opening : openings.entrySet()) {
            List<Socket> sockets = opened.computeIfAbsent(opening.getKey(), k -> new ArrayList<>());
            for (int i = 0; i < perKind; i++) {
                Socket s = connector.connect();
                sockets.add(s);
                s.getOutputStream().write(opening.getValue());
                s.getOutputStream().flush();
            }
        }
        return opened;
    }

    /** Reads a watch stream until the text shows up; what was read. */
    private static String readUntil(Socket socket, String text) throws IOException {
        socket.setSoTimeout(10_000);
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (!seen.toString().contains(text)) {
            int n = socket.getInputStream().read(buffer);
            if (n < 0) {
                break;
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    private long metric(String series) throws IOException, InterruptedException {
        for (String line : get(server.url() + "/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + series);
    }

    private void count(String category, int cases) {
        tried.merge(category, cases, Integer::sum);
    }

    /** The client of the server {@code url} is on: each server has its own CA and admin. */
    private HttpClient clientOf(String url) {
        return url.startsWith(slowServer.url() + "/") ? slowHttp : http;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return clientOf(url).send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String url, String type, String body) throws IOException, InterruptedException {
        return clientOf(url).send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
