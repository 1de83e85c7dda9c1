package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    @Override
    public void close() throws Exception {
        manager.close();
        node.close();
    }
}
