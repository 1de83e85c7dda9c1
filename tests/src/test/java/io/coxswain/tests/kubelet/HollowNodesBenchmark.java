package io.coxswain.tests.kubelet;

import io.coxswain.kubelet.hollow.HollowNodes;
import io.coxswain.kubelet.hollow.HollowOptions;
import io.coxswain.tests.bench.ClosedLoop;
import io.coxswain.tests.bench.FigureTable;
import io.coxswain.tests.cluster.AdminHttp;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 5,000 hollow nodes (500 at CI size) in this JVM against a real apiserver (from the built jar in its own JVM, so that this heap
 * holds only the nodes; in this JVM when the jar is absent, and the title says so): how long they take to
 * register, the Lease renewals per second they sustain at Kubernetes's 10 s interval (5,000 nodes need 500/s),
 * the heap they take after a GC, and how long 10,000 pods (1,000 at CI size) bound round-robin to them take to be Running as seen
 * through a watch. It prints; it asserts only that every node registered and every pod was created. On a loaded machine
 * Leases can go stale and pods can take long; the table says how many and how long.
 */
class HollowNodesBenchmark {

    private static final int NODES = io.coxswain.tests.bench.BenchSize.of(500, 5_000);
    private static final int PODS = io.coxswain.tests.bench.BenchSize.of(1_000, 10_000);
    private static final Duration RENEW = Duration.ofSeconds(10);
    private static final Duration SUSTAIN = Duration.ofSeconds(10);
    private static final int CREATORS = 32;

    @TempDir
    Path dir;

    @Test
    void fiveThousandNodesAndTenThousandPods() throws Exception {
        boolean ownProcess = Files.isRegularFile(ApiServerProcess.jar());
        Map<String, String> row;
        if (ownProcess) {
            try (ApiServerProcess server = ApiServerProcess.start(dir, "--store", "embedded")) {
                row = measure(server.http());
            }
        } else {
            try (TestCluster cluster = TestCluster.embedded(dir)) {
                row = measure(cluster.http());
            }
        }
        FigureTable.print(String.format("Hollow nodes benchmark (%s; %d cores; %,d nodes, %,d pods; embedded store; apiserver %s)",
                        io.coxswain.tests.bench.BenchSize.label(), Runtime.getRuntime().availableProcessors(), NODES, PODS,
                        ownProcess ? "in its own JVM, over TLS" : "in this JVM over TLS, so the heap figures include the apiserver's growth"),
                Map.of("hollow nodes", row), "Budget (DESIGN.md): 5,000 hollow nodes and 150,000 pods in one backend process.");
    }

    private Map<String, String> measure(AdminHttp admin) throws Exception {
        Map<String, String> row = new LinkedHashMap<>();
        Config config = new ConfigBuilder(AdminHttp.config(admin.kubeconfig())).withRequestTimeout(60_000).build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
            long heapBefore = heapAfterGc();

            long t0 = System.nanoTime();
            try (HollowNodes nodes = HollowNodes.start(client, HollowOptions.defaults(NODES))) {
                double registration = (System.nanoTime() - t0) / 1e9;
                progress(String.format("%,d nodes registered in %.1f s", NODES, registration));
                row.put("registration (Node, status, Lease)", String.format("%.1f s", registration));
                row.put("  nodes registered/s", String.format("%,.0f", NODES / registration));

                Thread.sleep(RENEW.toMillis() / 2); // the stream of renewals reaches its rate
                HollowNodes.Stats before = nodes.stats();
                long s0 = System.nanoTime();
                Thread.sleep(SUSTAIN.toMillis());
                HollowNodes.Stats after = nodes.stats();
                double seconds = (System.nanoTime() - s0) / 1e9;
                ZonedDateTime staleBefore = ZonedDateTime.now().minus(RENEW.multipliedBy(2));
                long stale = client.leases().inNamespace("kube-node-lease").list().getItems().stream()
                        .filter(l -> !l.getSpec().getRenewTime().isAfter(staleBefore)).count();
                row.put(String.format("Lease renewals/s sustained (needed: %,d)", NODES / (int) RENEW.toSeconds()), String.format("%,.0f", (after.leaseRenewals() - before.leaseRenewals()) / seconds));
                row.put("  renewals skipped (previous still running)", String.format("%,d", after.heartbeatsSkipped()));
                row.put("  heartbeat failures", String.format("%,d", after.heartbeatFailures()));
                row.put("  Leases older than 2 intervals", String.format("%,d", stale));
                progress("renewals: " + row);

                long heapNodes = heapAfterGc() - heapBefore;
                row.put(String.format("heap after GC, %,d nodes", NODES), mib(heapNodes));
                row.put("  per node", String.format("%,d bytes", heapNodes / NODES));

                row.putAll(pods(client, admin));
                long heapPods = heapAfterGc() - heapBefore - heapNodes;
                row.put(String.format("heap after GC, + %,d pods", PODS), mib(heapNodes + heapPods));
                row.put("  per pod", String.format("%,d bytes", heapPods / PODS));
                row.put("pod status writes", String.format("%,d", nodes.stats().podStatusWrites()));
            }
        }
        return row;
    }

    /** Creates the pods bound round-robin from {@value #CREATORS} clients, and waits for a watch to see each Running. */
    private static Map<String, String> pods(KubernetesClient client, AdminHttp admin) throws Exception {
        Set<String> running = ConcurrentHashMap.newKeySet();
        Watch watch = client.pods().inNamespace("bench").watch(new Watcher<>() {
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
        HttpClient http = admin.http();
        URI uri = URI.create(admin.url() + "/api/v1/namespaces/bench/pods");
        long t0 = System.nanoTime();
        List<String> failures = ClosedLoop.run(CREATORS, PODS, i -> {
            String body = """
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p-%05d","labels":{"app":"bench"}},
                     "spec":{"nodeName":"hollow-%d","containers":[{"name":"app","image":"coxswain/busybox:1",
                     "resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}""".formatted(i, i % NODES);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException(r.statusCode() + " " + r.body());
            }
        });
        double created = (System.nanoTime() - t0) / 1e9;
        assertThat(failures).as("every create succeeded").isEmpty();
        progress(String.format("%,d pods created in %.1f s; %,d Running so far", PODS, created, running.size()));
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (running.size() < PODS && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        double allRunning = (System.nanoTime() - t0) / 1e9;
        watch.close();
        progress(String.format("%,d pods Running %.1f s after the first create", running.size(), allRunning));
        Map<String, String> out = new LinkedHashMap<>();
        out.put(String.format("%,d pods: all created (%d clients)", PODS, CREATORS), String.format("%.1f s", created));
        out.put(running.size() == PODS ? String.format("%,d pods: all Running, from first create", PODS) : "pods Running after 300 s",
                running.size() == PODS ? String.format("%.1f s", allRunning) : String.format("%,d", running.size()));
        out.put("  pods Running/s", String.format("%,.0f", running.size() / allRunning));
        return out;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static void progress(String message) {
        System.err.printf("[HollowNodesBenchmark %tT] %s%n", System.currentTimeMillis(), message);
    }
}
