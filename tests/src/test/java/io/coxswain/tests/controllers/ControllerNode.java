package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A DockerNode (apiserver and a real kubelet) with the controller-manager running against it, and kubectl. */
final class ControllerNode implements AutoCloseable {

    final DockerNode node;
    final KubernetesClient client;
    private final ControllerManager manager;

    private ControllerNode(DockerNode node) {
        this.node = node;
        this.client = node.client;
        this.manager = ControllerManager.start(node.client, ControllerOptions.defaults());
    }

    static ControllerNode start(Path dir) throws IOException {
        return new ControllerNode(DockerNode.start(dir));
    }

    /** kubectl apply of YAML whose pod templates say {@code nodeName: NODE}. */
    void apply(String yaml) throws IOException, InterruptedException {
        node.apply(yaml);
    }

    /** Runs kubectl and expects it to succeed. */
    Kubectl.Result kubectl(String... args) throws IOException, InterruptedException {
        Kubectl.Result r = node.kubectl(args);
        assertThat(r.exitCode()).as("kubectl %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr()).isZero();
        return r;
    }

    /** Runs kubectl whatever its exit code. */
    Kubectl.Result kubectlAnyExit(String... args) throws IOException, InterruptedException {
        return node.kubectl(args);
    }

    ReplicaSet replicaSet(String name) {
        return client.apps().replicaSets().inNamespace("default").withName(name).get();
    }

    ReplicationController replicationController(String name) {
        return client.replicationControllers().inNamespace("default").withName(name).get();
    }

    Deployment deployment(String name) {
        return client.apps().deployments().inNamespace("default").withName(name).get();
    }

    /** The pods with this label that are not being deleted. */
    List<Pod> livePods(String label, String value) {
        return client.pods().inNamespace("default").withLabel(label, value).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    List<ReplicaSet> replicaSets(String label, String value) {
        return client.apps().replicaSets().inNamespace("default").withLabel(label, value).list().getItems();
    }

    /**
     * Waits until the replica owner {@code name} (a ReplicaSet or a ReplicationController: their statuses have the same
     * counts) reports {@code replicas} ready and available pods for its latest generation, and that many live pods carry
     * {@code app=name}.
     */
    void awaitReplicas(String apiVersion, String kind, String name, int replicas) throws InterruptedException {
        eventually(Duration.ofSeconds(90), kind + " " + name + " has " + replicas + " ready pods", () -> {
            GenericKubernetesResource owner = client.genericKubernetesResources(apiVersion, kind).inNamespace("default").withName(name).get();
            if (owner == null || !(owner.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
                return false;
            }
            return count(status, "replicas") == replicas && count(status, "readyReplicas") == replicas
                    && count(status, "availableReplicas") == replicas
                    && count(status, "observedGeneration") >= n(owner.getMetadata().getGeneration())
                    && livePods("app", name).size() == replicas;
        });
    }

    private static long count(Map<?, ?> status, String field) {
        return status.get(field) instanceof Number v ? v.longValue() : 0;
    }

    /** Deletes one of the live pods labelled {@code app=name} and waits until a running replacement makes them {@code replicas} again. */
    void deleteOnePodAndAwaitItsReplacement(String name, int replicas) throws IOException, InterruptedException {
        String victim = livePods("app", name).get(0).getMetadata().getName();
        kubectl("delete", "pod", victim, "--wait=false");
        eventually(Duration.ofSeconds(90), "a replacement for " + victim, () -> {
            List<Pod> now = livePods("app", name);
            return now.size() == replicas && now.stream().noneMatch(p -> p.getMetadata().getName().equals(victim))
                    && now.stream().allMatch(p -> "Running".equals(p.getStatus().getPhase()));
        });
    }

    static void eventually(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    static int n(Integer i) {
        return i == null ? 0 : i;
    }

    static long n(Long i) {
        return i == null ? 0 : i;
    }

    @Override
    public void close() throws Exception {
        manager.close();
        node.close();
    }
}
