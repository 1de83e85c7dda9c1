package io.coxswain.tests.controllers;

import io.coxswain.tests.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import static io.coxswain.tests.controllers.ControllerNode.eventually;
import static io.coxswain.tests.controllers.ControllerNode.n;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Deployment controller with the real kubectl: apply and rollout status, set image, rollout undo and history,
 * pause and resume, scale; then Recreate and the progress deadline. The first tests walk one Deployment through
 * its revisions, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentRolloutTest extends ControllerSuite {

    private static final String WEB = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  nodeName: NODE
                  terminationGracePeriodSeconds: 1
                  containers:
                  # args, not command: busybox runs them, the pause image's entrypoint ignores them
                  - {name: main, image: coxswain/busybox:1, args: [sleep, "3600"]}
            """;

    private static void rolloutStatus(String name) throws Exception {
        Kubectl.Result r = cluster.kubectl("rollout", "status", "deployment/" + name, "--timeout=120s");
        assertThat(r.out()).contains("successfully rolled out");
    }

    /** The Deployment's ReplicaSets, oldest revision first. */
    private static List<ReplicaSet> replicaSets(String app) {
        return cluster.replicaSets("app", app).stream()
                .sorted(Comparator.comparingLong(rs -> Long.parseLong(rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))))
                .toList();
    }

    private static String revision(ReplicaSet rs) {
        return rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    @Test
    @Order(1)
    void applyThenRolloutStatusSucceeds() throws Exception {
        cluster.apply(WEB);
        rolloutStatus("web");
        Deployment d = cluster.deployment("web");
        assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
        assertThat(d.getStatus().getReplicas()).isEqualTo(2);
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(2);
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(2);
        assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
        assertThat(condition(d, "Available").getReason()).isEqualTo("MinimumReplicasAvailable");
        assertThat(condition(d, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");

        ReplicaSet rs = replicaSets("web").get(0);
        String hash = rs.getMetadata().getLabels().get("pod-template-hash");
        assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(rs.getSpec().getSelector().getMatchLabels()).containsEntry("pod-template-hash", hash);
        assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1")
                .containsEntry("deployment.kubernetes.io/desired-replicas", "2")
                .containsEntry("deployment.kubernetes.io/max-replicas", "3");
        assertThat(cluster.livePods("app", "web")).hasSize(2)
                .allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("pod-template-hash", hash));
    }

    @Test
    @Order(2)
    void setImageRollsOutANewReplicaSet() throws Exception {
        cluster.kubectl("set", "image", "deployment/web", "main=coxswain/pause:1");
        rolloutStatus("web");
        List<ReplicaSet> sets = replicaSets("web");
        assertThat(sets).hasSize(2);
        assertThat(revision(sets.get(1))).isEqualTo("2");
        assertThat(sets.get(1).getSpec().getReplicas()).isEqualTo(2);
        assertThat(sets.get(0).getSpec().getReplicas()).isZero();
        assertThat(cluster.deployment("web").getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
        eventually(Duration.ofSeconds(60), "only new pods", () -> cluster.livePods("app", "web").stream()
                .allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("coxswain/pause:1")));
    }

    @Test
    @Order(3)
    void rolloutUndoReturnsToThePreviousTemplate() throws Exception {
        String firstHash = replicaSets("web").get(0).getMetadata().getLabels().get("pod-template-hash");
        cluster.kubectl("rollout", "undo", "deployment/web");
        rolloutStatus("web");
        assertThat(image(cluster.deployment("web"))).isEqualTo("coxswain/busybox:1");
        List<ReplicaSet> sets = replicaSets("web");
        assertThat(sets).hasSize(2);
        // the first ReplicaSet is the current one again, under revision 3, remembering it was revision 1
        ReplicaSet current = sets.get(1);
        assertThat(current.getMetadata().getLabels()).containsEntry("pod-template-hash", firstHash);
        assertThat(revision(current)).isEqualTo("3");
        assertThat(current.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision-history", "1");
        assertThat(current.getSpec().getReplicas()).isEqualTo(2);
        Kubectl.Result history = cluster.kubectl("rollout", "history", "deployment/web");
        assertThat(history.out()).containsPattern("(?m)^2\\s").containsPattern("(?m)^3\\s");
        assertThat(cluster.kubectl("rollout", "history", "deployment/web", "--revision=2").out()).contains("coxswain/pause:1");
    }

    @Test
    @Order(4)
    void pausedDeploymentDoesNotRollUntilResumed() throws Exception {
        cluster.kubectl("rollout", "pause", "deployment/web");
        cluster.kubectl("set", "env", "deployment/web", "COLOR=blue");
        eventually(Duration.ofSeconds(20), "the paused change observed", () -> {
            Deployment d = cluster.deployment("web");
            DeploymentCondition p = condition(d, "Progressing");
            return d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration() && p != null && "DeploymentPaused".equals(p.getReason());
        });
        Thread.sleep(2000);
        assertThat(replicaSets("web")).hasSize(2);
        assertThat(cluster.livePods("app", "web")).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getEnv()).isNullOrEmpty());

        cluster.kubectl("rollout", "resume", "deployment/web");
        rolloutStatus("web");
        List<ReplicaSet> sets = replicaSets("web");
        assertThat(sets).hasSize(3);
        assertThat(revision(sets.get(2))).isEqualTo("4");
        eventually(Duration.ofSeconds(60), "pods with the new env", () -> cluster.livePods("app", "web").stream()
                .allMatch(p -> p.getSpec().getContainers().get(0).getEnv() != null && !p.getSpec().getContainers().get(0).getEnv().isEmpty()));
    }

    @Test
    @Order(5)
    void kubectlScaleDeployment() throws Exception {
        cluster.kubectl("scale", "deployment", "web", "--replicas=3");
        rolloutStatus("web");
        Deployment d = cluster.deployment("web");
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(3);
        ReplicaSet current = replicaSets("web").get(2);
        assertThat(current.getSpec().getReplicas()).isEqualTo(3);
        assertThat(current.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/desired-replicas", "3");
        assertThat(cluster.kubectl("get", "deployment", "web").out()).containsPattern("web\\s+3/3\\s+3\\s+3");

        cluster.kubectl("scale", "deployment", "web", "--replicas=1");
        rolloutStatus("web");
        eventually(Duration.ofSeconds(60), "one pod left", () -> cluster.livePods("app", "web").size() == 1);
    }

    @Test
    @Order(6)
    void revisionHistoryLimitDeletesTheOldestScaledDownReplicaSets() throws Exception {
        cluster.kubectl("patch", "deployment", "web", "--type=merge", "-p", "{\"spec\":{\"revisionHistoryLimit\":1}}");
        eventually(Duration.ofSeconds(30), "one old ReplicaSet kept", () -> cluster.replicaSets("app", "web").size() == 2);
        assertThat(replicaSets("web")).extracting(DeploymentRolloutTest::revision).containsExactly("3", "4");
    }

    @Test
    @Order(7)
    void recreateStopsTheOldPodsBeforeStartingNewOnes() throws Exception {
        cluster.apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: batch}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: batch}}
                  strategy: {type: Recreate}
                  template:
                    metadata: {labels: {app: batch}}
                    spec:
                      nodeName: NODE
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: main, image: coxswain/busybox:1, args: [sleep, "3600"]}
                """);
        rolloutStatus("batch");
        List<String> oldPods = cluster.livePods("app", "batch").stream().map(p -> p.getMetadata().getName()).toList();
        cluster.kubectl("set", "image", "deployment/batch", "main=coxswain/pause:1");
        // while any old pod exists (even terminating), no new pod may
        boolean[] overlap = {false};
        eventually(Duration.ofSeconds(120), "recreated", () -> {
            var all = cluster.client.pods().inNamespace("default").withLabel("app", "batch").list().getItems();
            boolean oldLeft = all.stream().anyMatch(p -> oldPods.contains(p.getMetadata().getName()));
            boolean newThere = all.stream().anyMatch(p -> !oldPods.contains(p.getMetadata().getName()));
            overlap[0] |= oldLeft && newThere;
            Deployment d = cluster.deployment("batch");
            return !oldLeft && n(d.getStatus().getUpdatedReplicas()) == 2 && n(d.getStatus().getAvailableReplicas()) == 2;
        });
        assertThat(overlap[0]).as("old and new pods at the same time").isFalse();
        rolloutStatus("batch");
    }

    @Test
    @Order(8)
    void aRolloutThatCannotProgressExceedsItsDeadline() throws Exception {
        cluster.apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: stuck}
                spec:
                  replicas: 1
                  progressDeadlineSeconds: 5
                  selector: {matchLabels: {app: stuck}}
                  template:
                    metadata: {labels: {app: stuck}}
                    spec:
                      nodeName: NODE
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: main, image: coxswain/missing:1, imagePullPolicy: Never}
                """);
        eventually(Duration.ofSeconds(40), "ProgressDeadlineExceeded", () -> {
            Deployment d = cluster.deployment("stuck");
            DeploymentCondition p = d.getStatus() == null || d.getStatus().getConditions() == null ? null : condition(d, "Progressing");
            return p != null && "False".equals(p.getStatus()) && "ProgressDeadlineExceeded".equals(p.getReason());
        });
        Kubectl.Result r = cluster.kubectlAnyExit("rollout", "status", "deployment/stuck", "--timeout=30s");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("exceeded its progress deadline");
        Deployment d = cluster.deployment("stuck");
        assertThat(condition(d, "Available").getReason()).isEqualTo("MinimumReplicasUnavailable");
        assertThat(d.getStatus().getUnavailableReplicas()).isEqualTo(1);
    }
}
