package io.coxswain.tests.controllers;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.coxswain.tests.controllers.ControllerNode.eventually;
import static io.coxswain.tests.controllers.ControllerNode.n;
import static org.assertj.core.api.Assertions.assertThat;

/** A 20-replica rolling update with maxUnavailable 2 and maxSurge 3 never has fewer than 18 pods available. */
class DeploymentRollingUpdateTest extends ControllerSuite {

    private static boolean rolledOut(Deployment d, int replicas) {
        return d != null && d.getStatus() != null && d.getStatus().getObservedGeneration() != null
                && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
                && n(d.getStatus().getUpdatedReplicas()) == replicas && n(d.getStatus().getReplicas()) == replicas
                && n(d.getStatus().getAvailableReplicas()) == replicas;
    }

    @Test
    void availabilityStaysWithinMaxUnavailableThroughTheRollout() throws Exception {
        cluster.apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: big}
                spec:
                  replicas: 20
                  selector: {matchLabels: {app: big}}
                  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2, maxSurge: 3}}
                  template:
                    metadata: {labels: {app: big}}
                    spec:
                      nodeName: NODE
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: main, image: coxswain/busybox:1, command: [sleep, "3600"]}
                """);
        eventually(Duration.ofMinutes(4), "20 available", () -> rolledOut(cluster.deployment("big"), 20));

        List<Integer> available = new CopyOnWriteArrayList<>();
        Watch watch = cluster.client.apps().deployments().inNamespace("default").withName("big").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                if (d.getStatus() != null) {
                    available.add(n(d.getStatus().getAvailableReplicas()));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        try {
            cluster.kubectl("patch", "deployment", "big", "--type=merge", "-p",
                    "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"round\":\"2\"}}}}}");
            eventually(Duration.ofMinutes(5), "the update rolled out", () -> {
                Deployment d = cluster.deployment("big");
                return rolledOut(d, 20) && d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision").equals("2");
            });
            cluster.kubectl("rollout", "status", "deployment/big", "--timeout=60s");
        } finally {
            watch.close();
        }
        assertThat(available).as("availableReplicas seen by the watch").isNotEmpty().allSatisfy(a -> assertThat(a).isGreaterThanOrEqualTo(18));
        assertThat(available.size()).as("status updates during the rollout").isGreaterThan(5);
        assertThat(cluster.livePods("app", "big")).hasSize(20)
                .allSatisfy(p -> assertThat(p.getMetadata().getAnnotations()).containsEntry("round", "2"));
    }
}
