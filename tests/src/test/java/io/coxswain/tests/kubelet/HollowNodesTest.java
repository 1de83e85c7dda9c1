package io.coxswain.tests.kubelet;

import io.coxswain.kubelet.hollow.HollowNodes;
import io.coxswain.kubelet.hollow.HollowOptions;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Hollow nodes against a real apiserver: they register, keep their Leases fresh, and run their pods' lifecycles. */
class HollowNodesTest {

    @TempDir
    Path dir;

    static KubernetesClient connect(TestCluster cluster) {
        return cluster.newClient();
    }

    @Test
    void aThousandNodesRegisterAndKeepTheirLeasesFresh() throws Exception {
        // 200 renewals/s: a 2 s interval (500/s) also passes on an idle 2-core machine, but not while it runs other builds
        Duration interval = Duration.ofSeconds(5);
        try (TestCluster cluster = TestCluster.embedded(dir); KubernetesClient client = connect(cluster);
             HollowNodes nodes = HollowNodes.start(client, HollowOptions.defaults(1_000).withLease(interval, Duration.ofSeconds(20)))) {
            List<Node> registered = client.nodes().withLabel("type", "hollow").list().getItems();
            assertThat(registered).hasSize(1_000);
            assertThat(registered).allSatisfy(node -> {
                assertThat(node.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", node.getMetadata().getName());
                assertThat(node.getStatus().getConditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Ready");
                    assertThat(c.getStatus()).isEqualTo("True");
                });
                assertThat(node.getStatus().getCapacity().get("pods").getAmount()).isEqualTo("110");
            });
            for (int moment = 0; moment < 2; moment++) {
                Thread.sleep(interval.toMillis() * 3 / 2);
                ZonedDateTime freshAfter = ZonedDateTime.now().minus(interval.multipliedBy(2));
                List<Lease> leases = client.leases().inNamespace("kube-node-lease").list().getItems();
                assertThat(leases).hasSize(1_000);
                assertThat(leases).allSatisfy(lease -> assertThat(lease.getSpec().getRenewTime()).isAfter(freshAfter));
            }
            assertThat(nodes.stats().heartbeatFailures()).isZero();
        }
    }

    @Test
    void podsBoundToHollowNodesRunSucceedFailRestartAndGetDeleted() throws Exception {
        try (TestCluster cluster = TestCluster.embedded(dir); KubernetesClient client = connect(cluster);
             HollowNodes nodes = HollowNodes.start(client, HollowOptions.defaults(3).withLease(Duration.ofSeconds(1), Duration.ofSeconds(4)))) {
            var pods = client.pods().inNamespace("default");
            pods.resource(pod("web", "hollow-1", "Always", Map.of())).create();
            pods.resource(pod("job", "hollow-2", "Never", Map.of("coxswain.dev/hollow-exit-after", "1s"))).create();
            pods.resource(pod("broken", "hollow-2", "Never",
                    Map.of("coxswain.dev/hollow-exit-after", "500ms", "coxswain.dev/hollow-exit-code", "3"))).create();
            pods.resource(pod("retry", "hollow-0", "OnFailure",
                    Map.of("coxswain.dev/hollow-exit-after", "300ms", "coxswain.dev/hollow-exit-code", "1"))).create();
            pods.resource(pod("elsewhere", "real-node", "Always", Map.of())).create();

            Pod web = await(client, "web", p -> "Running".equals(p.getStatus().getPhase())
                    && p.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
            assertThat(web.getStatus().getHostIP()).isEqualTo("172.16.0.2");
            assertThat(web.getStatus().getPodIP()).startsWith("10.128.1.");
            assertThat(web.getStatus().getStartTime()).isNotNull();
            assertThat(web.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus()).contains(
                    "PodScheduled=True", "Initialized=True", "ContainersReady=True", "Ready=True", "PodReadyToStartContainers=True");
            assertThat(web.getStatus().getContainerStatuses()).singleElement().satisfies(s -> {
                assertThat(s.getReady()).isTrue();
                assertThat(s.getStarted()).isTrue();
                assertThat(s.getState().getRunning().getStartedAt()).isNotNull();
            });

            Pod job = await(client, "job", p -> "Succeeded".equals(p.getStatus().getPhase()));
            assertThat(job.getStatus().getContainerStatuses()).singleElement()
                    .satisfies(s -> assertThat(s.getState().getTerminated().getExitCode()).isZero());
            Pod broken = await(client, "broken", p -> "Failed".equals(p.getStatus().getPhase()));
            assertThat(broken.getStatus().getContainerStatuses()).singleElement()
                    .satisfies(s -> assertThat(s.getState().getTerminated().getExitCode()).isEqualTo(3));
            Pod retry = await(client, "retry", p -> p.getStatus().getContainerStatuses() != null
                    && !p.getStatus().getContainerStatuses().isEmpty() && p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 2);
            assertThat(retry.getStatus().getPhase()).isEqualTo("Running");
            assertThat(retry.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().getExitCode()).isEqualTo(1);

            assertThat(pods.withName("elsewhere").get().getStatus().getContainerStatuses()).isNullOrEmpty();

            pods.withName("web").delete();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (pods.withName("web").get() != null && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pods.withName("web").get()).as("a deleted pod is removed by its hollow node").isNull();
            assertThat(nodes.stats().podDeletes()).isEqualTo(1);
        }
    }

    private static Pod pod(String name, String node, String restartPolicy, Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withImage("coxswain/busybox:1").endContainer().endSpec().build();
    }

    static Pod await(KubernetesClient client, String name, Predicate<Pod> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Pod pod = null;
        while (System.nanoTime() < deadline) {
            pod = client.pods().inNamespace("default").withName(name).get();
            if (pod != null && pod.getStatus() != null && condition.test(pod)) {
                return pod;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("pod " + name + " never got there; last seen: " + pod);
    }
}
