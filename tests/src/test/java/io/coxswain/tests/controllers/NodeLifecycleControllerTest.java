package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static io.coxswain.tests.controllers.EndpointsControllerTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node lifecycle controller against the real apiserver, with a 5 s grace period: a node whose Lease stops
 * being renewed becomes Unknown and unreachable-tainted, its pods are marked not ready and evicted after their
 * tolerationSeconds, and renewing again (with Ready=True) lifts the taint. Once with a Node and Lease made by
 * hand, once with the real Docker kubelet stopped and started.
 */
class NodeLifecycleControllerTest {

    static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    static Path dir;
    static DockerNode node;
    static ControllerManager controllers;
    static ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() throws Exception {
        node = DockerNode.start(dir);
        controllers = ControllerManager.start(node.client, ControllerOptions.defaults().withNodeMonitorGrace(GRACE)
                .withPodEvictionTimeout(Duration.ofSeconds(4)));
    }

    @AfterAll
    static void stop() throws Exception {
        timer.shutdownNow();
        if (controllers != null) {
            controllers.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aNodeWhoseLeaseLapsesIsTaintedItsPodsEvictedAndARenewedLeaseLiftsTheTaint() throws Exception {
        KubernetesClient client = node.client;
        String name = "ghost";
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec().build()).create();
        setReady(client, name, "True");
        client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(40).withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                .endSpec().build()).create();
        ScheduledFuture<?> renewing = timer.scheduleAtFixedRate(() -> renew(client, name), 0, 1, TimeUnit.SECONDS);

        createPod(client, "short", name, new Toleration("NoExecute", "node.kubernetes.io/unreachable", "Exists", 2L, null));
        createPod(client, "forever", name, new Toleration("NoExecute", "node.kubernetes.io/unreachable", "Exists", null, null));
        createPod(client, "defaulted", name, null);
        for (String pod : List.of("short", "forever", "defaulted")) {
            markReady(client, pod);
        }
        assertThat(client.pods().inNamespace("default").withName("defaulted").get().getSpec().getTolerations())
                .as("DefaultTolerationSeconds").extracting(Toleration::getKey, Toleration::getTolerationSeconds)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/not-ready", 300L),
                        org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", 300L));

        Thread.sleep(GRACE.toMillis() + 2000);
        assertThat(ready(client.nodes().withName(name).get()).getStatus()).as("a renewed lease keeps the node Ready").isEqualTo("True");
        assertThat(taints(client, name)).isEmpty();

        renewing.cancel(false);
        Instant stopped = Instant.now();
        waitUntil("the node becomes Unknown and unreachable", () -> "Unknown".equals(ready(client.nodes().withName(name).get()).getStatus())
                && taints(client, name).stream().anyMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable") && t.getEffect().equals("NoExecute")));
        assertThat(Duration.between(stopped, Instant.now())).isLessThan(GRACE.plusSeconds(5));
        NodeCondition ready = ready(client.nodes().withName(name).get());
        assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(ready.getMessage()).isEqualTo("Kubelet stopped posting node status.");
        Taint unreachable = taints(client, name).stream().filter(t -> t.getEffect().equals("NoExecute")).findFirst().orElseThrow();
        assertThat(unreachable.getTimeAdded()).isNotNull();

        waitUntil("its pods are marked not ready", () -> List.of("forever", "defaulted").stream()
                .allMatch(p -> !DockerNode.ready(client.pods().inNamespace("default").withName(p).get())));
        waitUntil("the pod with tolerationSeconds 2 is evicted", () -> gone(client, "short"));
        Pod evicted = client.pods().inNamespace("default").withName("short").get();
        if (evicted != null) {
            assertThat(evicted.getStatus().getConditions()).anyMatch(c -> "DisruptionTarget".equals(c.getType())
                    && "DeletionByTaintManager".equals(c.getReason()));
        }
        Thread.sleep(2000);
        assertThat(gone(client, "forever")).as("tolerates unreachable for ever").isFalse();
        assertThat(gone(client, "defaulted")).as("tolerates unreachable for 300 s").isFalse();

        renewing = timer.scheduleAtFixedRate(() -> renew(client, name), 0, 1, TimeUnit.SECONDS);
        setReady(client, name, "False");
        waitUntil("Ready=False from the kubelet gives not-ready", () -> taints(client, name).stream()
                .anyMatch(t -> t.getKey().equals("node.kubernetes.io/not-ready") && t.getEffect().equals("NoExecute"))
                && taints(client, name).stream().noneMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable")));
        setReady(client, name, "True");
        waitUntil("the taints are lifted", () -> taints(client, name).isEmpty());
        renewing.cancel(false);
    }

    @Test
    void aStoppedKubeletsNodeIsUnreachableUntilItComesBack() throws Exception {
        KubernetesClient client = node.client;
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: doomed}
                spec:
                  nodeName: NODE
                  terminationGracePeriodSeconds: 1
                  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 1}]
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                """);
        node.waitFor("doomed", Duration.ofSeconds(60), DockerNode::ready);
        node.stopKubelet();
        try {
            waitUntil("the node becomes unreachable", () -> taints(client, node.nodeName).stream()
                    .anyMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable") && t.getEffect().equals("NoExecute")));
            assertThat(ready(client.nodes().withName(node.nodeName).get()).getStatus()).isEqualTo("Unknown");
            waitUntil("the pod is evicted", () -> gone(client, "doomed"));
        } finally {
            node.startKubelet();
        }
        waitUntil("the kubelet's Ready lifts the taint", () -> taints(client, node.nodeName).isEmpty());
        waitUntil("the kubelet finishes the evicted pod", () -> client.pods().inNamespace("default").withName("doomed").get() == null);
    }

    private static void createPod(KubernetesClient client, String name, String nodeName, Toleration toleration) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(nodeName).addNewContainer().withName("c").withImage("coxswain/busybox:1").endContainer().endSpec();
        if (toleration != null) {
            pod.editSpec().withTolerations(toleration).endSpec();
        }
        client.pods().inNamespace("default").resource(pod.build()).create();
    }

    private static void markReady(KubernetesClient client, String pod) {
        Pod p = client.pods().inNamespace("default").withName(pod).get();
        client.pods().inNamespace("default").resource(new PodBuilder(p).editStatus().withPhase("Running").withPodIP("192.0.2.1")
                .withConditions().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).updateStatus();
    }

    private static void setReady(KubernetesClient client, String node, String status) {
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        client.nodes().withName(node).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), """
                {"status": {"conditions": [{"type": "Ready", "status": "%s", "reason": "Test", "lastHeartbeatTime": "%s", "lastTransitionTime": "%s"}]}}
                """.formatted(status, now, now));
    }

    private static void renew(KubernetesClient client, String name) {
        client.leases().inNamespace("kube-node-lease").withName(name).edit(l -> {
            l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
            return l;
        });
    }

    private static NodeCondition ready(Node n) {
        return n.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow();
    }

    private static List<Taint> taints(KubernetesClient client, String node) {
        List<Taint> taints = client.nodes().withName(node).get().getSpec().getTaints();
        return taints == null ? List.of() : taints;
    }

    private static boolean gone(KubernetesClient client, String pod) {
        Pod p = client.pods().inNamespace("default").withName(pod).get();
        return p == null || p.getMetadata().getDeletionTimestamp() != null;
    }
}
