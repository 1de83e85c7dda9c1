package io.coxswain.tests.scheduler;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.kubelet.hollow.HollowNodes;
import io.coxswain.kubelet.hollow.HollowOptions;
import io.coxswain.scheduler.Scheduler;
import io.coxswain.scheduler.SchedulerOptions;
import io.coxswain.tests.bench.ClosedLoop;
import io.coxswain.tests.bench.BenchSize;
import io.coxswain.tests.bench.FigureTable;
import io.coxswain.tests.cluster.AdminHttp;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduler throughput as kube-scheduler's scalability tests measure it (full size; the CI size is a tenth of each
 * number): 5,000 hollow nodes, then 10,000 and
 * (in a second round) 30,000 pending pods created while no scheduler runs; a scheduler starts and binds them all
 * through pods/{name}/binding while the hollow kubelets move the bound pods to Running. It prints pods bound per
 * second from the first binding to the last, and from the scheduler's start. The apiserver runs from the built
 * jar in its own JVM. Last, the whole loop: a ReplicaSet of 10,000 replicas until every pod is Running.
 */
class SchedulerBenchmark {

    private static final int NODES = BenchSize.of(500, 5_000);
    private static final List<Integer> PENDING = List.of(BenchSize.of(1_000, 10_000), BenchSize.of(3_000, 30_000));
    private static final int REPLICAS = BenchSize.of(1_000, 10_000);
    private static final int CREATORS = 32;

    @TempDir
    Path dir;

    @Test
    void bindsPendingPodsOnFiveThousandNodes() throws Exception {
        assertThat(ApiServerProcess.jar()).as("the launcher jar is built before the tests module").exists();
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        Map<String, String> loop;
        try (ApiServerProcess server = ApiServerProcess.start(dir, "--store", "embedded")) {
            Config config = new ConfigBuilder(AdminHttp.config(server.kubeconfig())).withRequestTimeout(60_000).build();
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
                 HollowNodes nodes = HollowNodes.start(client, HollowOptions.defaults(NODES))) {
                progress(String.format("%,d hollow nodes registered", nodes.size()));
                int offset = 0;
                for (int pending : PENDING) {
                    String ns = "bench-" + pending;
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
                    createPending(server.http(), ns, pending);
                    progress(String.format("%,d pending pods created in %s", pending, ns));
                    rows.put(String.format("%,d pending pods", pending), schedule(config, pending));
                    offset += pending;
                }
                assertThat(offset).isEqualTo(PENDING.get(0) + PENDING.get(1));
                loop = replicaSetLoop(config);
            }
        }
        FigureTable.print(String.format("Scheduler benchmark (%s; %d cores; %,d hollow nodes in this JVM; apiserver in its own JVM, embedded store, over TLS)",
                        BenchSize.label(), Runtime.getRuntime().availableProcessors(), NODES), rows,
                "kube-scheduler's CI floor: 270 pods/s at 5,000 nodes. Budget (DESIGN.md): 1,000 pods/s.");
        FigureTable.print(String.format("The whole loop (%,d hollow nodes; controller-manager, scheduler and hollow kubelets)", NODES),
                Map.of(String.format("ReplicaSet of %,d replicas", REPLICAS), loop), "From the ReplicaSet's create until a watch has seen every pod Running.");
    }

    /**
     * The whole loop: a ReplicaSet of 10,000 replicas, from its create until a watch has seen every pod Running,
     * through the controller-manager, the scheduler and the hollow kubelets.
     */
    private static Map<String, String> replicaSetLoop(Config config) throws Exception {
        int replicas = REPLICAS;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
             KubernetesClient schedulerClient = new KubernetesClientBuilder().withConfig(config).build();
             KubernetesClient controllerClient = new KubernetesClientBuilder().withConfig(config).build();
             Scheduler scheduler = Scheduler.start(schedulerClient, SchedulerOptions.defaults());
             ControllerManager controllers = ControllerManager.start(controllerClient, ControllerOptions.defaults())) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench-rs").endMetadata().build()).create();
            Set<String> running = ConcurrentHashMap.newKeySet();
            Watch watch = client.pods().inNamespace("bench-rs").watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                        running.add(pod.getMetadata().getName());
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            });
            long start = System.nanoTime();
            client.apps().replicaSets().inNamespace("bench-rs").resource(new ReplicaSetBuilder()
                    .withNewMetadata().withName("big").endMetadata()
                    .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "big").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "big").endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withImage("coxswain/busybox:1")
                    .withNewResources().addToRequests("cpu", new Quantity("10m")).endResources().endContainer().endSpec()
                    .endTemplate().endSpec().build()).create();
            long deadline = start + Duration.ofMinutes(6).toNanos();
            while (running.size() < replicas && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            watch.close();
            progress(String.format("ReplicaSet: %,d of %,d pods Running %.1f s after its create", running.size(), replicas, seconds));
            assertThat(running).as("every replica Running within 6 minutes").hasSize(replicas);
            Map<String, String> row = new LinkedHashMap<>();
            row.put(String.format("create to all %,d Running", replicas), String.format("%.1f s", seconds));
            row.put("pods Running/s", String.format("%,.0f", replicas / seconds));
            return row;
        }
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

    private static void createPending(AdminHttp admin, String ns, int count) throws InterruptedException {
        HttpClient http = admin.http();
        URI uri = URI.create(admin.url() + "/api/v1/namespaces/" + ns + "/pods");
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
