package io.coxswain.tests.controllers;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.coxswain.tests.controllers.ControllerNode.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** The ReplicaSet controller against a real apiserver, a real kubelet on Docker and the real kubectl. */
class ReplicaSetControllerTest extends ControllerSuite {

    private static String replicaSet(String name, int replicas) {
        return """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: %1$s}
                spec:
                  replicas: %2$d
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      nodeName: NODE
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: main, image: coxswain/busybox:1, command: [sleep, "3600"]}
                """.formatted(name, replicas);
    }

    private static void awaitReady(String name, int replicas) throws InterruptedException {
        cluster.awaitReplicas("apps/v1", "ReplicaSet", name, replicas);
    }

    @Test
    void createsNamedOwnedPodsAndHealsWhenOneIsDeleted() throws Exception {
        cluster.apply(replicaSet("heal", 2));
        awaitReady("heal", 2);
        ReplicaSet rs = cluster.replicaSet("heal");
        List<Pod> pods = cluster.livePods("app", "heal");
        assertThat(pods).allSatisfy(p -> {
            assertThat(p.getMetadata().getName()).matches("heal-[a-z0-9]{5}");
            OwnerReference ref = p.getMetadata().getOwnerReferences().get(0);
            assertThat(ref.getUid()).isEqualTo(rs.getMetadata().getUid());
            assertThat(ref.getKind()).isEqualTo("ReplicaSet");
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getBlockOwnerDeletion()).isTrue();
        });
        assertThat(rs.getStatus().getFullyLabeledReplicas()).isEqualTo(2);

        cluster.deleteOnePodAndAwaitItsReplacement("heal", 2);
        awaitReady("heal", 2);
    }

    @Test
    void scalesUpAndDownWithKubectlScale() throws Exception {
        cluster.apply(replicaSet("scaled", 1));
        awaitReady("scaled", 1);
        String first = cluster.livePods("app", "scaled").get(0).getMetadata().getName();

        cluster.kubectl("scale", "rs", "scaled", "--replicas=3");
        awaitReady("scaled", 3);

        cluster.kubectl("scale", "rs", "scaled", "--replicas=1");
        awaitReady("scaled", 1);
        // the newest, least mature pods go first: the oldest one stays
        assertThat(cluster.livePods("app", "scaled")).extracting(p -> p.getMetadata().getName()).containsExactly(first);
        assertThat(cluster.kubectl("get", "rs", "scaled").out()).contains("scaled").containsPattern("scaled\\s+1\\s+1\\s+1");
    }

    @Test
    void adoptsAMatchingOrphanAndReleasesAPodThatStopsMatching() throws Exception {
        cluster.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: stray, labels: {app: adopt}}
                spec:
                  nodeName: NODE
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, "3600"]}
                """);
        cluster.node.waitFor("stray", Duration.ofSeconds(60), p -> "Running".equals(p.getStatus().getPhase()));
        cluster.apply(replicaSet("adopt", 1));
        awaitReady("adopt", 1);
        ReplicaSet rs = cluster.replicaSet("adopt");
        Pod stray = cluster.node.pod("stray");
        assertThat(stray.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(rs.getMetadata().getUid()));
        assertThat(cluster.livePods("app", "adopt")).extracting(p -> p.getMetadata().getName()).containsExactly("stray");

        cluster.kubectl("label", "pod", "stray", "app=released", "--overwrite");
        eventually(Duration.ofSeconds(30), "stray released", () -> {
            List<OwnerReference> refs = cluster.node.pod("stray").getMetadata().getOwnerReferences();
            return refs == null || refs.isEmpty();
        });
        awaitReady("adopt", 1);
        Set<String> names = cluster.livePods("app", "adopt").stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(names).doesNotContain("stray").hasSize(1);
        assertThat(cluster.node.pod("stray").getMetadata().getDeletionTimestamp()).isNull();
    }
}
