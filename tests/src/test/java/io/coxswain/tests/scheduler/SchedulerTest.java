package io.coxswain.tests.scheduler;

import io.coxswain.scheduler.Scheduler;
import io.coxswain.scheduler.SchedulerConfiguration;
import io.coxswain.scheduler.SchedulerOptions;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler against a real apiserver and plain Node objects (no kubelet needed to decide placement):
 * resources, selectors, taints, host ports, cordons, FailedScheduling as kubectl describe shows it, a node that
 * arrives later, and a second profile picked by schedulerName.
 */
class SchedulerTest {

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static KubernetesClient client;
    static Kubectl kubectl;
    static Scheduler scheduler;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.embedded(dir.resolve("cluster"));
        client = cluster.newClient();
        // host ports are refused by Pod Security's baseline, the default: this namespace is privileged
        client.namespaces().withName("default").edit(ns -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(ns).editMetadata()
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build());
        kubectl = new Kubectl(cluster, Files.createDirectories(dir.resolve("kubectl")));
        SchedulerConfiguration config = SchedulerConfiguration.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: default-scheduler
                - schedulerName: bin-packing
                  plugins:
                    score:
                      disabled: [{name: '*'}]
                      enabled: [{name: NodeResourcesBalancedAllocation, weight: 1}]
                    filter:
                      disabled: [{name: NodePorts}]
                """);
        scheduler = Scheduler.start(client, SchedulerOptions.defaults().withConfiguration(config));
    }

    @AfterAll
    static void stop() {
        scheduler.close();
        client.close();
        cluster.close();
    }

    @AfterEach
    void clean() {
        // no kubelet finishes a graceful delete here: the pods go at once
        client.pods().inNamespace("default").withGracePeriod(0).delete();
        client.nodes().delete();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!client.pods().inNamespace("default").list().getItems().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void podsGoWhereTheyFitAndSpreadAcrossNodes() {
        node("small", "1", "1Gi", Map.of(), List.of());
        node("big-a", "8", "16Gi", Map.of(), List.of());
        node("big-b", "8", "16Gi", Map.of(), List.of());
        for (int i = 0; i < 6; i++) {
            pod("w" + i, "1500m", null, Map.of(), false);
        }
        Map<String, Integer> perNode = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            perNode.merge(boundNode("w" + i), 1, Integer::sum);
        }
        assertThat(perNode).doesNotContainKey("small").containsEntry("big-a", 3).containsEntry("big-b", 3);
        assertThat(kubectl("get", "events", "--field-selector", "reason=Scheduled", "--no-headers").stdout())
                .contains("Successfully assigned default/w0 to big-");
    }

    @Test
    void selectorsTaintsAndCordonsAreHonoured() {
        node("plain", "4", "8Gi", Map.of(), List.of());
        node("gpu", "4", "8Gi", Map.of("accelerator", "gpu"), List.of(new Taint("NoSchedule", "dedicated", null, "gpu")));
        node("cordoned", "4", "8Gi", Map.of("accelerator", "gpu"), List.of());
        Node cordoned = client.nodes().withName("cordoned").edit(n -> {
            n.getSpec().setUnschedulable(true);
            return n;
        });
        assertThat(cordoned.getSpec().getUnschedulable()).as("the cordon is stored").isTrue();
        Pod selector = new PodBuilder(template("picky")).editSpec().withNodeSelector(Map.of("accelerator", "gpu"))
                .addNewToleration().withKey("dedicated").withOperator("Equal").withValue("gpu").withEffect("NoSchedule").endToleration()
                .endSpec().build();
        client.pods().inNamespace("default").resource(selector).create();
        assertThat(boundNode("picky")).isEqualTo("gpu");
        pod("anyone", null, null, Map.of(), false);
        assertThat(boundNode("anyone")).as("the taint keeps it off gpu, the cordon off cordoned").isEqualTo("plain");
    }

    @Test
    void aPodThatFitsNowhereSaysWhyAndIsPlacedWhenANodeArrives() throws Exception {
        node("n1", "1", "2Gi", Map.of(), List.of());
        node("n2", "1", "2Gi", Map.of(), List.of());
        node("n3", "1", "2Gi", Map.of(), List.of());
        pod("hungry", "2", null, Map.of(), false);
        Pod waiting = client.pods().inNamespace("default").withName("hungry").waitUntilCondition(p -> p.getStatus() != null
                && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())), 30, TimeUnit.SECONDS);
        assertThat(waiting.getSpec().getNodeName()).isNull();
        // A node is created, then made Ready by a status write: the scheduler may try the pod between the two and say
        // "1 node(s) were not ready"; the Ready update sends the pod back to the queue, and the next try says why.
        String why = "0/3 nodes are available: 3 Insufficient cpu.";
        String describe = kubectl("describe", "pod", "hungry").stdout();
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); !describe.contains(why) && System.nanoTime() < deadline; ) {
            Thread.sleep(250);
            describe = kubectl("describe", "pod", "hungry").stdout();
        }
        assertThat(describe).contains("FailedScheduling").contains(why);
        node("roomy", "4", "8Gi", Map.of(), List.of());
        assertThat(boundNode("hungry")).isEqualTo("roomy");
    }

    @Test
    void hostPortsConflictAndAProfileCanTurnThatFilterOff() {
        node("only", "4", "8Gi", Map.of(), List.of());
        pod("port-1", null, 8080, Map.of(), false);
        assertThat(boundNode("port-1")).isEqualTo("only");
        pod("port-2", null, 8080, Map.of(), false);
        Pod second = client.pods().inNamespace("default").withName("port-2").waitUntilCondition(p -> p.getStatus() != null
                && p.getStatus().getConditions() != null && !p.getStatus().getConditions().isEmpty(), 30, TimeUnit.SECONDS);
        assertThat(second.getStatus().getConditions().get(0).getMessage())
                .contains("1 node(s) didn't have free ports for the requested pod ports");
        pod("port-3", null, 8080, Map.of(), true);
        assertThat(boundNode("port-3")).as("the bin-packing profile has no NodePorts filter").isEqualTo("only");
    }

    private static Kubectl.Result kubectl(String... args) {
        try {
            return kubectl.run(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Node node(String name, String cpu, String memory, Map<String, String> labels, List<Taint> taints) {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory), "pods", new Quantity("110"));
        Node node = client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withTaints(taints).endSpec().build()).create();
        node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition().build());
        return client.nodes().resource(node).updateStatus();
    }

    private static Pod template(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("coxswain/busybox:1").endContainer().endSpec().build();
    }

    private static void pod(String name, String cpu, Integer hostPort, Map<String, String> labels, boolean binPacking) {
        PodBuilder b = new PodBuilder(template(name));
        var container = b.editSpec().editFirstContainer();
        if (cpu != null) {
            container = container.withNewResources().withRequests(Map.of("cpu", new Quantity(cpu))).endResources();
        }
        if (hostPort != null) {
            container = container.addNewPort().withContainerPort(hostPort).withHostPort(hostPort).endPort();
        }
        Pod pod = container.endContainer().withSchedulerName(binPacking ? "bin-packing" : null).endSpec()
                .editMetadata().withLabels(labels).endMetadata().build();
        client.pods().inNamespace("default").resource(pod).create();
    }

    private static String boundNode(String pod) {
        return client.pods().inNamespace("default").withName(pod)
                .waitUntilCondition(p -> p != null && p.getSpec().getNodeName() != null, 30, TimeUnit.SECONDS).getSpec().getNodeName();
    }
}
