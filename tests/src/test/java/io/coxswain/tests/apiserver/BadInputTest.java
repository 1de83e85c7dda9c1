package io.coxswain.tests.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.tests.cluster.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken requests against a real apiserver over the embedded store: each gets the right code
 * and a Status that says why, none costs the server its health or the objects it already holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PODS = "/api/v1/namespaces/default/pods";
    private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    private static final int SEEDS = 5;

    private Path dir;
    private TestCluster cluster;
    private HttpClient http;
    /** What the server answered when the seed objects were created, by name. */
    private final Map<String, JsonNode> seeds = new HashMap<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        cluster = TestCluster.embedded(dir.resolve("main"));
        http = cluster.http().http();
        for (int i = 0; i < SEEDS; i++) {
            String name = "seed-" + i;
            HttpResponse<String> created = post(PODS, pod(name).toString(), "application/json");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            seeds.put(name, MAPPER.readTree(created.body()));
        }
        HttpResponse<String> cm = post(CONFIGMAPS, configMap("seed-config", "v1").toString(), "application/json");
        assertThat(cm.statusCode()).as(cm.body()).isEqualTo(201);
        seeds.put("seed-config", MAPPER.readTree(cm.body()));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void bodyOverThreeMebibytesIs413WithAStatus() throws Exception {
        ObjectNode big = configMap("too-big", "x");
        big.with("data").put("blob", "x".repeat(3 * 1024 * 1024 + 1024));
        HttpResponse<String> r = post(CONFIGMAPS, big.toString(), "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        JsonNode status = status(r);
        assertThat(status.path("reason").asText()).isEqualTo("RequestEntityTooLarge");
        assertThat(status.path("code").asInt()).isEqualTo(413);
        assertThat(get(CONFIGMAPS + "/too-big").statusCode()).isEqualTo(404);

        // The same without a Content-Length: a chunked body is cut off once it passes the limit.
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(URI.create(cluster.url() + CONFIGMAPS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(big.toString()))).build());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        assertThat(status(chunked).path("reason").asText()).isEqualTo("RequestEntityTooLarge");
        assertThat(get(CONFIGMAPS + "/too-big").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(1)
    void aBodyInAnUnknownMediaTypeIs415() throws Exception {
        HttpResponse<String> r = post(CONFIGMAPS, configMap("plain", "x").toString(), "text/plain");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(415);
        assertThat(status(r).path("reason").asText()).isEqualTo("UnsupportedMediaType");
        assertThat(get(CONFIGMAPS + "/plain").statusCode()).isEqualTo(404);
        assertThat(post(CONFIGMAPS, configMap("json-utf8", "x").toString(), "application/json; charset=utf-8").statusCode())
                .isEqualTo(201);
        System.out.println("verified: a text/plain body is 415 UnsupportedMediaType and stores nothing; application/json with a charset is 201");
    }

    @Test
    @Order(2)
    void jsonNestedDeeperThanOneHundredLevelsIs400SayingWhy() throws Exception {
        String deep = "[".repeat(150) + "]".repeat(150);
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"deep\"},\"data\":{\"a\":" + deep + "}}";
        HttpResponse<String> r = post(CONFIGMAPS, body, "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode status = status(r);
        assertThat(status.path("reason").asText()).isEqualTo("BadRequest");
        assertThat(status.path("message").asText()).containsIgnoringCase("nesting depth").contains("100");
        assertThat(get(CONFIGMAPS + "/deep").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void yamlAliasBombIs400Quickly() throws Exception {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: laughs\n");
        yaml.append("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        String previous = "a";
        for (char c = 'b'; c <= 'i'; c++) {
            String ref = "*" + previous;
            yaml.append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, ref))).append("]\n");
            previous = String.valueOf(c);
        }
        yaml.append("data:\n  boom: *i\n");
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(CONFIGMAPS, yaml.toString(), "application/yaml");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(status(r).path("message").asText()).contains("YAML");
        assertThat(millis).as("an alias bomb is refused quickly, not expanded").isLessThan(2_000);
        assertThat(get(CONFIGMAPS + "/laughs").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void invalidNamesAre422NamingMetadataName() throws Exception {
        for (String name : List.of("Upper-Case", "under_score")) {
            HttpResponse<String> r = post(PODS, pod(name).toString(), "application/json");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
            JsonNode status = status(r);
            assertThat(status.path("reason").asText()).isEqualTo("Invalid");
            List<String> fields = new ArrayList<>();
            status.path("details").path("causes").forEach(c -> fields.add(c.path("field").asText()));
            assertThat(fields).as(r.body()).contains("metadata.name");
            assertThat(status.path("message").asText()).contains("metadata.name");
        }
    }

    @Test
    @Order(5)
    void aServicePostedToThePodsPathIs400() throws Exception {
        String service = """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc-on-pods"},
                 "spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}""";
        HttpResponse<String> r = post(PODS, service, "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(status(r).path("message").asText()).contains("Service").contains("Pod");
        assertThat(get(PODS + "/svc-on-pods").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/namespaces/default/services/svc-on-pods").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(6)
    void malformedJsonIs400() throws Exception {
        for (String body : List.of("{\"apiVersion\":\"v1\",\"kind\":", "{\"apiVersion\":\"v1\" \"kind\":\"Pod\"}", "not json at all",
                "[1,2,3]")) {
            HttpResponse<String> r = post(PODS, body, "application/json");
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(status(r).path("reason").asText()).isEqualTo("BadRequest");
        }
    }

    @Test
    @Order(7)
    void unknownFieldsAreRefusedWhenStrictAndDroppedWithAWarningWhenWarn() throws Exception {
        ObjectNode strict = pod("strict-unknown");
        strict.with("spec").putArray("containerz").addObject().put("name", "x");
        HttpResponse<String> refused = post(PODS + "?fieldValidation=Strict", strict.toString(), "application/json");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(status(refused).path("message").asText()).contains("strict decoding error: unknown field \"spec.containerz\"");
        assertThat(get(PODS + "/strict-unknown").statusCode()).isEqualTo(404);

        ObjectNode warn = pod("warn-unknown");
        warn.with("spec").putArray("containerz").addObject().put("name", "x");
        HttpResponse<String> accepted = post(PODS + "?fieldValidation=Warn", warn.toString(), "application/json");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        assertThat(accepted.headers().allValues("Warning")).anySatisfy(w ->
                assertThat(w).startsWith("299 ").contains("unknown field").contains("spec.containerz"));
        assertThat(MAPPER.readTree(accepted.body()).path("spec").has("containerz")).isFalse();
        HttpResponse<String> stored = get(PODS + "/warn-unknown");
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(stored.body()).path("spec").has("containerz")).isFalse();
        assertThat(MAPPER.readTree(stored.body()).path("spec").path("containers")).hasSize(2);
    }

    @Test
    @Order(8)
    void aStaleResourceVersionOnPutIs409() throws Exception {
        HttpResponse<String> created = post(CONFIGMAPS, configMap("stale", "one").toString(), "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        ObjectNode first = (ObjectNode) MAPPER.readTree(created.body());
        ObjectNode second = first.deepCopy();
        second.with("data").put("value", "two");
        HttpResponse<String> updated = put(CONFIGMAPS + "/stale", second.toString());
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        String current = MAPPER.readTree(updated.body()).path("metadata").path("resourceVersion").asText();
        assertThat(current).isNotEqualTo(first.path("metadata").path("resourceVersion").asText());

        ObjectNode stale = first.deepCopy();
        stale.with("data").put("value", "three");
        HttpResponse<String> conflict = put(CONFIGMAPS + "/stale", stale.toString());
        assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
        assertThat(status(conflict).path("reason").asText()).isEqualTo("Conflict");
        JsonNode kept = MAPPER.readTree(get(CONFIGMAPS + "/stale").body());
        assertThat(kept.path("data").path("value").asText()).isEqualTo("two");
        assertThat(kept.path("metadata").path("resourceVersion").asText()).isEqualTo(current);
    }

    @Test
    @Order(9)
    void pastTheInflightLimitRequestsGet429WithRetryAfter() throws Exception {
        try (TestCluster small = TestCluster.embedded(dir.resolve("small"), ApiServerOptions.defaults().withInflight(2, 2))) {
            HttpClient smallHttp = small.http().http(); // its own CA and admin
            int requests = 200;
            ExecutorService pool = Executors.newFixedThreadPool(100);
            try {
                List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    String name = "flood-" + i;
                    all.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return send(smallHttp, HttpRequest.newBuilder(URI.create(small.url() + PODS))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(pod(name).toString())).build());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, pool));
                }
                int created = 0;
                int throttled = 0;
                for (CompletableFuture<HttpResponse<String>> f : all) {
                    HttpResponse<String> r = f.join();
                    assertThat(r.statusCode()).as(r.body()).isIn(201, 429);
                    if (r.statusCode() == 429) {
                        throttled++;
                        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                        JsonNode status = status(r);
                        assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
                        assertThat(status.path("code").asInt()).isEqualTo(429);
                    } else {
                        created++;
                    }
                }
                assertThat(throttled).as("requests past the limit of 2 in flight are refused").isPositive();
                assertThat(created).as("requests within the limit are served").isPositive();
                // Nothing leaked: once the flood is over, requests are served again and every 201 is stored.
                HttpResponse<String> list = send(smallHttp, HttpRequest.newBuilder(URI.create(small.url() + PODS)).GET().build());
                assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
                assertThat(MAPPER.readTree(list.body()).path("items")).hasSize(created);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Order(100)
    void afterAllOfThisTheServerIsHealthyAndStoredObjectsAreIntact() throws Exception {
        HttpResponse<String> health = get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");
        Map<String, JsonNode> listed = new HashMap<>();
        for (String path : List.of(PODS, CONFIGMAPS)) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            for (JsonNode item : MAPPER.readTree(r.body()).path("items")) {
                String name = item.path("metadata").path("name").asText();
                if (name.startsWith("seed-")) {
                    listed.put(name, item);
                }
            }
        }
        assertThat(listed).isEqualTo(seeds);
    }

    // ---- helpers ----

    private static ObjectNode pod(String name) {
        try {
            return (ObjectNode) MAPPER.readTree("""
                    {"apiVersion":"v1","kind":"Pod",
                     "metadata":{"name":"%s","labels":{"app":"web","tier":"frontend"}},
                     "spec":{"containers":[
                       {"name":"app","image":"coxswain/web:1.2.3","ports":[{"containerPort":8080,"name":"http"}],
                        "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"memory":"128Mi"}}},
                       {"name":"sidecar","image":"coxswain/proxy:0.9","resources":{"requests":{"cpu":"10m","memory":"16Mi"}}}]}}
                    """.formatted(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ObjectNode configMap(String name, String value) {
        ObjectNode cm = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", name);
        cm.putObject("data").put("value", value);
        return cm;
    }

    private static JsonNode status(HttpResponse<String> r) throws IOException {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode status = MAPPER.readTree(r.body());
        assertThat(status.path("kind").asText()).as(r.body()).isEqualTo("Status");
        assertThat(status.path("status").asText()).isEqualTo("Failure");
        assertThat(status.path("code").asInt()).isEqualTo(r.statusCode());
        return status;
    }

    private HttpResponse<String> post(String path, String body, String contentType) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(cluster.url() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> put(String path, String body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(cluster.url() + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(cluster.url() + path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        return send(http, request);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws IOException {
        try {
            HttpRequest timed = HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(30)).build();
            return http.send(timed, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
