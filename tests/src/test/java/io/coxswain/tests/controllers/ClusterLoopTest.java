package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.kubelet.hollow.HollowNodes;
import io.coxswain.kubelet.hollow.HollowOptions;
import io.coxswain.scheduler.Scheduler;
import io.coxswain.scheduler.SchedulerOptions;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control loop as a whole on hollow nodes: the scheduler, every controller and two groups of nodes. A node
 * group that stops heartbeating goes NotReady, its pods are evicted and their ReplicaSet recreates them on the
 * other nodes; kubectl's generator commands drive Deployments; deleting a Deployment cascades, an orphan delete
 * keeps the pods.
 */
class ClusterLoopTest {

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static KubernetesClient client;
    static Kubectl kubectl;
    static Scheduler scheduler;
    static ControllerManager controllers;
    static HollowNodes steady;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.embedded(dir.resolve("cluster"));
        client = cluster.newClient();
        kubectl = new Kubectl(cluster, Files.createDirectories(dir.resolve("kubectl")));
        steady = HollowNodes.start(client, HollowOptions.defaults(2).withPrefix("steady").withLease(Duration.ofSeconds(1), Duration.ofSeconds(10)));
        scheduler = Scheduler.start(client, SchedulerOptions.defaults());
        controllers = ControllerManager.start(client, ControllerOptions.defaults().withNodeMonitorGrace(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        controllers.close();
        scheduler.close();
        steady.close();
        client.close();
        cluster.close();
    }

    @Test
    void podsOfANodeThatStopsHeartbeatingAreEvictedAndRecreatedElsewhere() throws Exception {
        HollowNodes doomed = HollowNodes.start(client, HollowOptions.defaults(1).withPrefix("doomed")
                .withLease(Duration.ofSeconds(1), Duration.ofSeconds(10)));
        apply("""
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: survivor}
                spec:
                  replicas: 6
                  selector: {matchLabels: {app: survivor}}
                  template:
                    metadata: {labels: {app: survivor}}
                    spec:
                      tolerations:
                      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
                      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
                      containers: [{name: app, image: 'coxswain/busybox:1'}]
                """);
        await(() -> running("app=survivor").size() == 6, "6 replicas Running");
        List<Pod> onDoomed = running("app=survivor").stream().filter(p -> p.getSpec().getNodeName().startsWith("doomed")).toList();
        assertThat(onDoomed).as("the spread puts some on each of the three nodes").isNotEmpty();

        doomed.close();
        await(() -> {
            var node = client.nodes().withName("doomed-0").get();
            return node.getSpec().getTaints() != null && node.getSpec().getTaints().stream()
                    .anyMatch(t -> "node.kubernetes.io/unreachable".equals(t.getKey()));
        }, "the silent node tainted unreachable");
        assertThat(client.nodes().withName("doomed-0").get().getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("Unknown");
        });
        await(() -> running("app=survivor").stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null
                && p.getSpec().getNodeName().startsWith("steady")).count() == 6, "6 replicas Running on the steady nodes");
        for (Pod p : onDoomed) {
            Pod now = client.pods().inNamespace("default").withName(p.getMetadata().getName()).get();
            assertThat(now == null || now.getMetadata().getDeletionTimestamp() != null).as("evicted: " + p.getMetadata().getName()).isTrue();
        }
    }

    @Test
    void generatorCommandsDriveADeploymentAndDeletesCascadeOrOrphan() throws Exception {
        ok(null, "create", "deployment", "gen", "--image=coxswain/busybox:1", "--replicas=3");
        ok(null, "rollout", "status", "deployment/gen", "--timeout=60s");
        ok(null, "scale", "deployment", "gen", "--replicas=4");
        await(() -> running("app=gen").size() == 4, "4 replicas");
        ok(null, "delete", "deployment", "gen");
        await(() -> client.apps().replicaSets().inNamespace("default").withLabel("app", "gen").list().getItems().isEmpty()
                && client.pods().inNamespace("default").withLabel("app", "gen").list().getItems().stream()
                .allMatch(p -> p.getMetadata().getDeletionTimestamp() != null), "the ReplicaSet and pods deleted with the Deployment");

        ok(null, "create", "deployment", "kept", "--image=coxswain/busybox:1", "--replicas=2");
        ok(null, "rollout", "status", "deployment/kept", "--timeout=60s");
        ok(null, "delete", "deployment", "kept", "--cascade=orphan");
        await(() -> client.apps().deployments().inNamespace("default").withName("kept").get() == null, "the Deployment gone");
        Thread.sleep(2000);
        assertThat(client.apps().replicaSets().inNamespace("default").withLabel("app", "kept").list().getItems())
                .as("the orphaned ReplicaSet stays, with no owner").hasSize(1)
                .allSatisfy(rs -> assertThat(rs.getMetadata().getOwnerReferences()).isNullOrEmpty());
        assertThat(running("app=kept")).hasSize(2);
    }

    private static List<Pod> running(String selector) {
        String[] kv = selector.split("=");
        return client.pods().inNamespace("default").withLabel(kv[0], kv[1]).list().getItems().stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).toList();
    }

    private static void ok(String stdin, String... args) throws Exception {
        Kubectl.Result r = stdin == null ? kubectl.run(args) : kubectl.run(stdin, args);
        assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.stderr()).isZero();
    }

    private static void apply(String yaml) throws Exception {
        ok(yaml, "apply", "-f", "-");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
