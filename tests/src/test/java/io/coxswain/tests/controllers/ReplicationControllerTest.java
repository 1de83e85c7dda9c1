package io.coxswain.tests.controllers;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.coxswain.tests.controllers.ControllerNode.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ReplicationController, run by the ReplicaSet controller's reconcile, against a real apiserver, a real kubelet on
 * Docker, the garbage collector and the real kubectl.
 */
class ReplicationControllerTest extends ControllerSuite {

    /** As old manifests write it: no selector (it defaults to the template's labels). */
    private static String replicationController(String name, int replicas) {
        return """
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: %1$s}
                spec:
                  replicas: %2$d
                  template:
                    metadata: {labels: {app: %1$s, tier: rc}}
                    spec:
                      nodeName: NODE
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: main, image: coxswain/busybox:1, command: [sleep, "3600"]}
                """.formatted(name, replicas);
    }

    private static void awaitReady(String name, int replicas) throws InterruptedException {
        cluster.awaitReplicas("v1", "ReplicationController", name, replicas);
    }

    @Test
    void createsOwnedPodsWithTheDefaultedSelectorAndHealsWhenOneIsDeleted() throws Exception {
        cluster.apply(replicationController("legacy", 2));
        awaitReady("legacy", 2);
        ReplicationController rc = cluster.replicationController("legacy");
        assertThat(rc.getSpec().getSelector()).isEqualTo(Map.of("app", "legacy", "tier", "rc"));
        assertThat(rc.getMetadata().getLabels()).isEqualTo(Map.of("app", "legacy", "tier", "rc"));
        assertThat(rc.getStatus().getFullyLabeledReplicas()).isEqualTo(2);
        List<Pod> pods = cluster.livePods("app", "legacy");
        assertThat(pods).allSatisfy(p -> {
            assertThat(p.getMetadata().getName()).matches("legacy-[a-z0-9]{5}");
            OwnerReference ref = p.getMetadata().getOwnerReferences().get(0);
            assertThat(ref.getUid()).isEqualTo(rc.getMetadata().getUid());
            assertThat(ref.getKind()).isEqualTo("ReplicationController");
            assertThat(ref.getApiVersion()).isEqualTo("v1");
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getBlockOwnerDeletion()).isTrue();
        });

        cluster.deleteOnePodAndAwaitItsReplacement("legacy", 2);
        awaitReady("legacy", 2);
        // describe counts every pod of the selector by phase, a terminating one too: wait until only the two are left
        eventually(Duration.ofSeconds(60), "the deleted pod is gone",
                () -> cluster.client.pods().inNamespace("default").withLabel("app", "legacy").list().getItems().size() == 2);

        // describe reads the pods of the selector
        assertThat(cluster.kubectl("describe", "rc", "legacy").out())
                .containsPattern("(?m)^Selector:\\s+app=legacy,tier=rc$")
                .containsPattern("(?m)^Replicas:\\s+2 current / 2 desired$")
                .containsPattern("(?m)^Pods Status:\\s+2 Running / 0 Waiting / 0 Succeeded / 0 Failed$");
    }

    @Test
    void scalesWithKubectlScaleRcAndPrintsKubectlsColumns() throws Exception {
        cluster.apply(replicationController("scaledrc", 1));
        awaitReady("scaledrc", 1);
        String first = cluster.livePods("app", "scaledrc").get(0).getMetadata().getName();

        assertThat(cluster.kubectl("scale", "rc", "scaledrc", "--replicas=3").out().trim()).isEqualTo("replicationcontroller/scaledrc scaled");
        awaitReady("scaledrc", 3);
        assertThat(cluster.kubectl("get", "rc", "scaledrc").out()).containsPattern("(?m)^NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE$")
                .containsPattern("scaledrc\\s+3\\s+3\\s+3\\s+\\d+s");

        cluster.kubectl("scale", "rc", "scaledrc", "--replicas=1");
        awaitReady("scaledrc", 1);
        // the newest, least mature pods go first: the oldest one stays
        assertThat(cluster.livePods("app", "scaledrc")).extracting(p -> p.getMetadata().getName()).containsExactly(first);
    }

    @Test
    void deletingTheControllerCascadesToItsPodsUnlessOrphaned() throws Exception {
        cluster.apply(replicationController("gone", 2));
        awaitReady("gone", 2);
        cluster.kubectl("delete", "rc", "gone", "--timeout=60s");
        eventually(Duration.ofSeconds(60), "the pods of a deleted ReplicationController go", () -> cluster.livePods("app", "gone").isEmpty());
        assertThat(cluster.replicationController("gone")).isNull();

        cluster.apply(replicationController("kept", 1));
        awaitReady("kept", 1);
        String pod = cluster.livePods("app", "kept").get(0).getMetadata().getName();
        cluster.kubectl("delete", "rc", "kept", "--cascade=orphan", "--timeout=60s");
        eventually(Duration.ofSeconds(30), "the orphaned pod loses its owner reference", () -> {
            Pod p = cluster.node.pod(pod);
            return p != null && (p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().isEmpty());
        });
        assertThat(cluster.replicationController("kept")).isNull();
        assertThat(cluster.node.pod(pod).getMetadata().getDeletionTimestamp()).isNull();
        cluster.kubectl("delete", "pod", pod, "--wait=false");
    }
}
