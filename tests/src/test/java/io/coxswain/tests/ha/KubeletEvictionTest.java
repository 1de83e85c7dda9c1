package io.coxswain.tests.ha;

import io.coxswain.tests.cluster.JarProcess;
import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static io.coxswain.tests.ha.HaFaultTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Docker kubelets, a controller-manager with short node-monitor and eviction timings, and a scheduler, each in
 * its own JVM. The kubelet running a ReplicaSet's pods is killed for longer than the eviction time: the pods come back
 * on the other node, and the killed kubelet, started again, removes its stale containers.
 */
class KubeletEvictionTest {

    private static final int GRACE_SECONDS = 3;
    private static final long TOLERATION_SECONDS = 2;

    @TempDir
    Path dir;

    @Test
    void podsOfAKubeletDeadLongerThanTheEvictionTimeAreRecreatedElsewhereAndItsStaleContainersRemoved() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String a = "ev-a-" + suffix;
        String b = "ev-b-" + suffix;
        List<JarProcess> processes = new ArrayList<>();
        try (TestCluster cluster = TestCluster.embedded(dir.resolve("cluster")); KubernetesClient client = cluster.newClient()) {
            processes.add(JarProcess.start(dir, "controller-manager", "controller-manager running", "controller-manager",
                    "--kubeconfig", cluster.kubeconfig().toString(), "--node-monitor-grace-period", String.valueOf(GRACE_SECONDS),
                    "--metrics-bind-address", "127.0.0.1:0"));
            processes.add(JarProcess.start(dir, "scheduler", "scheduler running", "scheduler", "--kubeconfig", cluster.kubeconfig().toString(),
                    "--metrics-bind-address", "127.0.0.1:0"));
            JarProcess kubeletA = JarProcess.start(dir, "kubelet-a", "is running against", kubelet(cluster, a));
            processes.add(kubeletA);
            // B joins cordoned, so that the pods start on A
            processes.add(JarProcess.start(dir, "kubelet-b", "is running against", kubelet(cluster, b)));
            awaitTrue(() -> client.nodes().withName(b).get() != null, Duration.ofSeconds(30), "node " + b);
            client.nodes().withName(b).edit(n -> {
                n.getSpec().setUnschedulable(true);
                return n;
            });

            client.apps().replicaSets().inNamespace("default").resource(new ReplicaSetBuilder().withNewMetadata().withName("ev").endMetadata()
                    .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "ev").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "ev").endMetadata().withNewSpec()
                    .withTerminationGracePeriodSeconds(1L)
                    // the eviction time of these pods: how long they stay on a node that stopped answering
                    .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists").withEffect("NoExecute")
                    .withTolerationSeconds(TOLERATION_SECONDS).endToleration()
                    .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists").withEffect("NoExecute")
                    .withTolerationSeconds(TOLERATION_SECONDS).endToleration()
                    .addNewContainer().withName("sleep").withImage("coxswain/busybox:1").withCommand("sleep", "3600").endContainer()
                    .endSpec().endTemplate().endSpec().build()).create();
            awaitTrue(() -> runningOn(client, a).size() == 2, Duration.ofSeconds(90), "2 pods Running on " + a);
            Set<String> podsOnA = runningOn(client, a);
            Set<String> containersOnA = dockerRunning(a);
            assertThat(containersOnA).isNotEmpty();
            client.nodes().withName(b).edit(n -> {
                n.getSpec().setUnschedulable(false);
                return n;
            });

            long killedAt = System.nanoTime();
            kubeletA.kill();
            System.out.printf("killed kubelet %s (SIGKILL) with pods %s; its containers keep running: %d%n", a, podsOnA, containersOnA.size());
            awaitTrue(() -> runningOn(client, b).size() == 2, Duration.ofSeconds(90), "2 pods Running on " + b);
            long recreatedMs = (System.nanoTime() - killedAt) / 1_000_000;
            Set<String> podsOnB = runningOn(client, b);
            assertThat(podsOnB).doesNotContainAnyElementsOf(podsOnA);
            assertThat(dockerRunning(a)).as("A's containers still run while its kubelet is down").isEqualTo(containersOnA);
            System.out.printf("eviction: the pods were recreated on %s and Running %d ms after the kubelet was killed"
                    + " (node monitor grace %d s, toleration %d s)%n", b, recreatedMs, GRACE_SECONDS, TOLERATION_SECONDS);

            long restartedAt = System.nanoTime();
            kubeletA.start("is running against");
            awaitTrue(() -> {
                try {
                    return dockerRunning(a).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(60), "the stale containers on " + a + " to be removed");
            long cleanedMs = (System.nanoTime() - restartedAt) / 1_000_000;
            awaitTrue(() -> podsOnA.stream().allMatch(p -> client.pods().inNamespace("default").withName(p).get() == null),
                    Duration.ofSeconds(60), "the evicted pods to be gone from the API");
            assertThat(client.pods().inNamespace("default").withLabel("app", "ev").list().getItems()).hasSize(2);
            assertThat(runningOn(client, b)).isEqualTo(podsOnB);
            System.out.printf("eviction: the restarted kubelet removed its %d stale containers %d ms after it started%n",
                    containersOnA.size(), cleanedMs);
            System.out.println("verified: pods of a kubelet dead longer than the eviction time were recreated on the other node");
            System.out.println("verified: the kubelet, back, removed the stale containers; 2 pods in all, both on " + b);
        } finally {
            for (JarProcess p : processes) {
                p.close();
            }
            for (String node : List.of(a, b)) {
                String ids = DockerNode.docker("ps", "-aq", "--filter", "label=io.coxswain.node=" + node);
                if (!ids.isBlank()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(List.of(ids.split("\\s+")));
                    DockerNode.docker(rm.toArray(String[]::new));
                }
            }
        }
    }

    /** A kubelet with its node's own credential (system:node:NODE), as a team's kubelet runs. */
    private String[] kubelet(TestCluster cluster, String node) throws IOException {
        return new String[]{"kubelet", "--kubeconfig", cluster.nodeKubeconfig(node).toString(), "--node-name", node, "--kubelet-port", "0",
                "--root-dir", dir.resolve(node).toString(), "--node-status-update-frequency", "1"};
    }

    private static Set<String> runningOn(KubernetesClient client, String node) {
        Set<String> names = new TreeSet<>();
        for (Pod p : client.pods().inNamespace("default").withLabel("app", "ev").list().getItems()) {
            if (node.equals(p.getSpec().getNodeName()) && p.getMetadata().getDeletionTimestamp() == null
                    && p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) {
                names.add(p.getMetadata().getName());
            }
        }
        return names;
    }

    private static Set<String> dockerRunning(String node) throws Exception {
        String out = DockerNode.docker("ps", "-q", "--filter", "label=io.coxswain.node=" + node, "--filter", "status=running");
        return new TreeSet<>(List.of(out.split("\\s+")).stream().filter(s -> !s.isBlank()).toList());
    }
}
