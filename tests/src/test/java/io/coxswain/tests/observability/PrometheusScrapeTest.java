package io.coxswain.tests.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.tests.cluster.LocalCoxswain;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The judge of "a backend that can be watched": a real Prometheus (Debian's package, its own binary run here with
 * storage in a temp dir and a loopback port of its own) scrapes every component of an all-in-one ({@code ./coxswain up}):
 * all four over TLS with the admin's client certificate, which each checks (the apiserver itself; the kubelet, the
 * scheduler and the controller-manager through TokenReview and SubjectAccessReview), and a caller without one gets 401
 * from each. Every target must be up;
 * then a Deployment is created, and Prometheus's query API must show what it moved: the apiserver's POST of it with
 * 201, the store's create, the deployment workqueue, the scheduler's binding and the kubelet's pod start.
 */
class PrometheusScrapeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String prometheus;

    @Test
    void prometheusScrapesEveryComponentAndSeesADeploymentMoveThem() throws Exception {
        String node = "prom-" + UUID.randomUUID().toString().substring(0, 6);
        int kubeletPort = LocalCoxswain.freePort();
        int schedulerPort = LocalCoxswain.freePort();
        int controllerManagerPort = LocalCoxswain.freePort();
        String args = "--kubelet-port " + kubeletPort + " --scheduler-metrics-bind-address 127.0.0.1:" + schedulerPort
                + " --controller-manager-metrics-bind-address 127.0.0.1:" + controllerManagerPort;
        try (LocalCoxswain coxswain = LocalCoxswain.up(dir.resolve("data"), node, Duration.ofMinutes(5), args);
             KubernetesClient client = coxswain.newClient()) {
            Path pki = coxswain.data.resolve("pki");
            String tls = "    scheme: https\n    tls_config:\n      ca_file: " + pki.resolve("ca.crt") + "\n      cert_file: "
                    + pki.resolve("admin.crt") + "\n      key_file: " + pki.resolve("admin.key") + "\n";
            String config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                    + job("apiserver", coxswain.listen, tls)
                    + job("kubelet", "127.0.0.1:" + kubeletPort, tls)
                    + job("scheduler", "127.0.0.1:" + schedulerPort, tls)
                    + job("controller-manager", "127.0.0.1:" + controllerManagerPort, tls);
            Path file = Files.writeString(dir.resolve("prometheus.yml"), config);
            Process server = startPrometheus(file);
            try {
                for (String target : List.of(coxswain.listen, "127.0.0.1:" + kubeletPort, "127.0.0.1:" + schedulerPort,
                        "127.0.0.1:" + controllerManagerPort)) {
                    assertThat(anonymousStatus("https://" + target + "/metrics", pki.resolve("ca.crt"))).as(target + " without credentials")
                            .isEqualTo("401");
                }
                Map<String, String> health = awaitTargetsUp();
                System.out.println("prometheus targets: " + health);
                assertThat(health).containsOnlyKeys("apiserver", "kubelet", "scheduler", "controller-manager").allSatisfy((job, h) ->
                        assertThat(h).as(job).isEqualTo("up"));
                for (String job : health.keySet()) {
                    // summed: one series per memory pool, and a pool (a survivor space after a collection) may hold 0
                    assertThat(value("sum(jvm_memory_used_bytes{job=\"" + job + "\",area=\"heap\"})")).as(job + "'s heap").isPositive();
                }

                client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder()
                        .withNewMetadata().withName("watched").endMetadata()
                        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "watched").endSelector()
                        .withNewTemplate().withNewMetadata().addToLabels("app", "watched").endMetadata().withNewSpec()
                        .withTerminationGracePeriodSeconds(1L)
                        .addNewContainer().withName("sleep").withImage("coxswain/busybox:1").withCommand("sleep", "3600").endContainer()
                        .endSpec().endTemplate().endSpec().build()).create();

                double created = awaitAtLeast("sum(apiserver_request_total{job=\"apiserver\",verb=\"POST\",group=\"apps\","
                        + "resource=\"deployments\",scope=\"resource\",code=\"201\"})", 1);
                double stored = awaitAtLeast("sum(etcd_request_duration_seconds_count{job=\"apiserver\",operation=\"create\",type=\"deployments\"})", 1);
                double queued = awaitAtLeast("workqueue_adds_total{job=\"controller-manager\",name=\"deployment\"}", 1);
                double depth = awaitPresent("workqueue_depth{job=\"controller-manager\",name=\"deployment\"}");
                double bound = awaitAtLeast("sum(scheduler_schedule_attempts_total{job=\"scheduler\",result=\"scheduled\",profile=\"default-scheduler\"})", 1);
                double podsScheduled = awaitAtLeast("sum(scheduler_pod_scheduling_duration_seconds_count{job=\"scheduler\"})", 1);
                double started = awaitAtLeast("kubelet_pod_start_duration_seconds_count{job=\"kubelet\"}", 1);
                double objects = awaitAtLeast("apiserver_storage_objects{job=\"apiserver\",resource=\"deployments.apps\"}", 1);
                double p99 = value("histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{job=\"apiserver\"}[1m])))");
                System.out.printf("deployment creates (201): %.0f, store creates of deployments: %.0f, deployment queue adds: %.0f "
                                + "(depth now %.0f), pods bound: %.0f (pod scheduling durations: %.0f), pod starts on the kubelet: %.0f, "
                                + "deployments stored: %.0f, apiserver request p99 over 1m: %.3f s%n",
                        created, stored, queued, depth, bound, podsScheduled, started, objects, p99);
                assertThat(depth).isGreaterThanOrEqualTo(0);
                assertThat(p99).isPositive();
            } finally {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
    }

    /** The status a caller without credentials gets (curl, trusting the cluster CA). */
    private static String anonymousStatus(String url, Path ca) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", ca.toString(), url)
                .redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        curl.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String job(String name, String target, String tls) {
        return "  - job_name: " + name + "\n" + tls + "    static_configs:\n      - targets: ['" + target + "']\n";
    }

    private Process startPrometheus(Path config) throws IOException, InterruptedException {
        int port = LocalCoxswain.freePort();
        prometheus = "http://127.0.0.1:" + port;
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new AssertionError("prometheus did not become ready; its log:\n" + Files.readString(log));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(prometheus + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Each job's health once all are up, or what they are when the wait runs out. */
    private Map<String, String> awaitTargetsUp() throws IOException, InterruptedException {
        Map<String, String> health = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            health.clear();
            errors.clear();
            for (JsonNode t : JSON.readTree(get("/api/v1/targets").body()).path("data").path("activeTargets")) {
                health.put(t.path("labels").path("job").asText(), t.path("health").asText());
                if (!t.path("lastError").asText().isEmpty()) {
                    errors.add(t.path("labels").path("job").asText() + ": " + t.path("lastError").asText());
                }
            }
            if (health.size() == 4 && health.values().stream().allMatch("up"::equals)) {
                return health;
            }
            Thread.sleep(500);
        }
        System.out.println("targets not all up: " + health + " " + errors);
        return health;
    }

    /** The instant query's single value; NaN when it has no series. */
    private double value(String query) throws IOException, InterruptedException {
        JsonNode body = JSON.readTree(get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).body());
        assertThat(body.path("status").asText()).as(query + ": " + body).isEqualTo("success");
        JsonNode result = body.path("data").path("result");
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private double awaitAtLeast(String query, double least) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        double v = Double.NaN;
        while (System.nanoTime() < deadline) {
            v = value(query);
            if (v >= least) {
                return v;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(query + " is " + v + " after " + WAIT.toSeconds() + " s, not at least " + least);
    }

    private double awaitPresent(String query) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            double v = value(query);
            if (!Double.isNaN(v)) {
                return v;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(query + " has no series after " + WAIT.toSeconds() + " s");
    }
}
