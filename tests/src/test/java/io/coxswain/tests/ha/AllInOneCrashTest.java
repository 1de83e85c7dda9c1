package io.coxswain.tests.ha;

import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.LocalCoxswain;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.coxswain.tests.ha.HaFaultTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./coxswain up} (all-in-one on the embedded store, a Docker kubelet), SIGKILL to the all-in-one during writes:
 * the supervisor restarts it after 1 s and says so in its log, every acknowledged write is there, and the running
 * containers are adopted, not restarted (the same container IDs, restartCount 0).
 */
class AllInOneCrashTest {

    @TempDir
    Path dir;

    @Test
    void aKilledAllInOneIsRestartedAndKeepsEveryAcknowledgedWriteAndItsContainers() throws Exception {
        String node = "ha-aio-" + UUID.randomUUID().toString().substring(0, 6);
        try (LocalCoxswain coxswain = LocalCoxswain.up(dir.resolve("data"), node, Duration.ofMinutes(5));
             KubernetesClient client = coxswain.newClient()) {
            client.apps().replicaSets().inNamespace("default").resource(new ReplicaSetBuilder().withNewMetadata().withName("keep").endMetadata()
                    .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "keep").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "keep").endMetadata().withNewSpec()
                    .withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("sleep").withImage("coxswain/busybox:1").withCommand("sleep", "3600").endContainer()
                    .endSpec().endTemplate().endSpec().build()).create();
            awaitTrue(() -> containers(client).size() == 2, Duration.ofSeconds(90), "2 pods with a running container");
            Map<String, String> before = containers(client);
            Set<String> dockerBefore = dockerIds(node);

            // TLS with the admin's client certificate, from the kubeconfig up wrote
            HttpClient http = io.coxswain.tests.cluster.AdminHttp.of(coxswain.kubeconfig()).httpBuilder()
                    .connectTimeout(Duration.ofSeconds(1)).build();
            Set<String> acked = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstAckAfter = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger next = new AtomicInteger();
            List<Thread> writers = new java.util.ArrayList<>();
            for (int w = 0; w < 8; w++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        String name = "a-" + next.getAndIncrement();
                        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}";
                        long sentAt = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(coxswain.server() + "/api/v1/namespaces/default/configmaps"))
                                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 201) {
                                acked.add(name);
                                long now = System.nanoTime();
                                if (sentAt > killedAt.get()) { // sent once the old process was gone: the new one answered
                                    firstAckAfter.accumulateAndGet(now, Math::min);
                                }
                                continue;
                            }
                        } catch (Exception e) {
                            // not acknowledged: it may or may not be there
                        }
                        failed.incrementAndGet();
                        sleep(50);
                    }
                }, "aio-writer-" + w);
                t.start();
                writers.add(t);
            }
            awaitTrue(() -> acked.size() >= 300, Duration.ofSeconds(60), "300 acknowledged writes");
            long pid = coxswain.pid();
            int ackedBefore = acked.size();
            ProcessHandle aio = ProcessHandle.of(pid).orElseThrow();
            long killed = System.nanoTime();
            aio.destroyForcibly();
            aio.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            killedAt.set(killed);
            System.out.printf("killed all-in-one (pid %d, SIGKILL) with %d writes acknowledged%n", pid, ackedBefore);
            awaitTrue(() -> firstAckAfter.get() != Long.MAX_VALUE, Duration.ofSeconds(60), "a write acknowledged by the restarted all-in-one");
            awaitTrue(() -> acked.size() >= ackedBefore + 200, Duration.ofSeconds(60), "200 more writes");
            stop.set(true);
            for (Thread t : writers) {
                t.join(10_000);
            }
            long gapMs = (firstAckAfter.get() - killedAt.get()) / 1_000_000;
            assertThat(coxswain.pid()).as("the supervisor started a new all-in-one").isNotEqualTo(pid);
            String log = coxswain.log();
            assertThat(log).contains("supervisor: all-in-one exited with code 137");
            assertThat(log).contains("restarting it in 1 s");
            System.out.println(LocalCoxswain.lines(log, "supervisor:"));

            Set<String> stored = client.configMaps().inNamespace("default").list().getItems().stream()
                    .map(cm -> cm.getMetadata().getName()).collect(Collectors.toSet());
            Set<String> lost = new TreeSet<>(acked);
            lost.removeAll(stored);
            assertThat(lost).as("acknowledged writes missing after the restart").isEmpty();

            // the kubelet of the new all-in-one adopted the running containers: give it a few relists, then compare
            Thread.sleep(5000);
            Map<String, String> after = containers(client);
            Set<String> dockerAfter = dockerIds(node);
            List<Pod> pods = client.pods().inNamespace("default").withLabel("app", "keep").list().getItems();
            System.out.printf("all-in-one crash: API back and writing %d ms after the SIGKILL; %d writes acknowledged (%d before the"
                            + " kill), %d failed attempts, 0 lost; containers before %s, after %s%n", gapMs, acked.size(), ackedBefore,
                    failed.get(), before.values(), after.values());
            assertThat(after).isEqualTo(before);
            assertThat(dockerAfter).isEqualTo(dockerBefore);
            assertThat(pods).hasSize(2);
            for (Pod p : pods) {
                for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                    assertThat(cs.getRestartCount()).as(p.getMetadata().getName()).isZero();
                }
            }
            System.out.println("verified: the supervisor restarted the killed all-in-one after 1 s and logged it");
            System.out.println("verified: all " + acked.size() + " acknowledged writes are in the embedded store after the SIGKILL");
            System.out.println("verified: the running containers were adopted without restarts (same IDs, restartCount 0)");
        }
    }

    /** pod name → container ID of its running app container. */
    private static Map<String, String> containers(KubernetesClient client) {
        Map<String, String> ids = new TreeMap<>();
        for (Pod p : client.pods().inNamespace("default").withLabel("app", "keep").list().getItems()) {
            if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                if (cs.getState() != null && cs.getState().getRunning() != null && cs.getContainerID() != null) {
                    ids.put(p.getMetadata().getName(), cs.getContainerID());
                }
            }
        }
        return ids;
    }

    private static Set<String> dockerIds(String node) throws Exception {
        String out = DockerNode.docker("ps", "-q", "--no-trunc", "--filter", "label=io.coxswain.node=" + node, "--filter", "status=running");
        return new TreeSet<>(List.of(out.split("\\s+")).stream().filter(s -> !s.isBlank()).toList());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
