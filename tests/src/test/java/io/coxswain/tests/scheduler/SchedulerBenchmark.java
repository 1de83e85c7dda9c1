package io.coxswain.tests.scheduler;

import io.coxswain.kubelet.hollow.HollowNodes;
import io.coxswain.kubelet.hollow.HollowOptions;
import io.coxswain.scheduler.Scheduler;
import io.coxswain.scheduler.SchedulerOptions;
import io.coxswain.tests.bench.ClosedLoop;
import io.coxswain.tests.bench.FigureTable;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduler throughput as kube-scheduler's scalability tests measure it: 5,000 hollow nodes, then 10,000 and
 * (in a second round) 30,000 pending pods created while no scheduler runs; a scheduler starts and binds them all
 * through pods/{name}/binding while the hollow kubelets move the bound pods to Running. It prints pods bound per
 * second from the first binding to the last, and from the scheduler's start. The apiserver runs from the built
 * jar in its own JVM.
 */
class SchedulerBenchmark {

    private static final int NODES = 5_000;
    private static final int CREATORS = 32;

    @TempDir
    Path dir;

    @Test
    void bindsPendingPodsOnFiveThousandNodes() throws Exception {
        assertThat(ApiServerProcess.jar()).as("the launcher jar is built before the tests module").exists();
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        try (ApiServerProcess server = ApiServerProcess.start(dir, "--store", "embedded", "--data-dir", dir.resolve("data").toString())) {
            Config config = new ConfigBuilder().withMasterUrl(server.url()).withRequestTimeout(60_000).build();
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
                 HollowNodes nodes = HollowNodes.start(client, HollowOptions.defaults(NODES))) {
                progress(String.format("%,d hollow nodes registered", nodes.size()));
                int offset = 0;
                for (int pending : List.of(10_000, 30_000)) {
                    String ns = "bench-" + pending;
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
                    createPending(server.url(), ns, pending);
                    progress(String.format("%,d pending pods created in %s", pending, ns));
                    rows.put(String.format("%,d pending pods", pending), schedule(config, pending));
                    offset += pending;
                }
                assertThat(offset).isEqualTo(40_000);
            }
        }
        FigureTable.print(String.format("Scheduler benchmark (%d cores; %,d hollow nodes in this JVM; apiserver in its own JVM, embedded store)",
                        Runtime.getRuntime().availableProcessors(), NODES), rows,
                "kube-scheduler's CI floor: 270 pods/s at 5,000 nodes. Budget (DESIGN.md): 1,000 pods/s.");
    }

    /** Starts a scheduler and waits until it has bound every pending pod. */
    private static Map<String, String> schedule(Config config, int pending) throws InterruptedException {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            long start = System.nanoTime();
            long first = 0;
            try (Scheduler scheduler = Scheduler.start(client, SchedulerOptions.defaults())) {
                long deadline = start + Duration.ofMinutes(5).toNanos();
                while (scheduler.scheduled() < pending && System.nanoTime() < deadline) {
                    if (first == 0 && scheduler.scheduled() > 0) {
                        first = System.nanoTime();
                    }
                    Thread.sleep(20);
                }
                long end = System.nanoTime();
                long bound = scheduler.scheduled();
                progress(String.format("%,d of %,d bound %.1f s after the scheduler started", bound, pending, (end - start) / 1e9));
                assertThat(bound).as("every pending pod bound within 5 minutes").isEqualTo(pending);
                Map<String, String> row = new LinkedHashMap<>();
                row.put("pods bound/s, first to last binding", String.format("%,.0f", bound / ((end - first) / 1e9)));
                row.put("pods bound/s, from scheduler start", String.format("%,.0f", bound / ((end - start) / 1e9)));
                row.put("all bound after", String.format("%.1f s", (end - start) / 1e9));
                return row;
            }
        }
    }

    private static void createPending(String url, String ns, int count) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(url + "/api/v1/namespaces/" + ns + "/pods");
        List<String> failures = ClosedLoop.run(CREATORS, count, i -> {
            String body = """
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p-%05d","labels":{"app":"bench"}},
                     "spec":{"containers":[{"name":"app","image":"coxswain/busybox:1",
                     "resources":{"requests":{"cpu":"10m","memory":"16Mi"}}}]}}""".formatted(i);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException(r.statusCode() + " " + r.body());
            }
        });
        assertThat(failures).as("every create succeeded").isEmpty();
    }

    private static void progress(String message) {
        System.err.printf("[SchedulerBenchmark %tT] %s%n", System.currentTimeMillis(), message);
    }
}
