package io.coxswain.tests.controllers;

import io.coxswain.controllers.gc.GarbageCollector;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.RunningController;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The garbage collector alone against a real apiserver: a hand-made ReplicaSet owns hand-made pods (no ReplicaSet
 * controller runs, and the pods have no node, so nothing else touches them).
 */
class GarbageCollectorTest {

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static KubernetesClient client;
    static Kubectl kubectl;
    static RunningController gc;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.embedded(dir.resolve("cluster"));
        client = cluster.newClient();
        kubectl = new Kubectl(cluster, Files.createDirectories(dir.resolve("kubectl")));
        gc = RunningController.start(cluster, GarbageCollector::create);
    }

    @AfterAll
    static void stop() {
        if (gc != null) {
            gc.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static ReplicaSet owner(String name) {
        return client.apps().replicaSets().inNamespace("default").resource(new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("rs", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("rs", name).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("coxswain/busybox:1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
    }

    static Pod dependent(String name, String ownerName, String ownerUid, String... finalizers) {
        return client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("owner", ownerName)
                .addToFinalizers(finalizers)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName(ownerName)
                        .withUid(ownerUid).withController(true).withBlockOwnerDeletion(true).build()).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("coxswain/busybox:1").endContainer().endSpec().build()).create();
    }

    static List<Pod> podsOf(String owner) {
        return client.pods().inNamespace("default").withLabel("owner", owner).list().getItems();
    }

    static void awaitNoPods(String owner) {
        client.pods().inNamespace("default").withLabel("owner", owner).informOnCondition(List::isEmpty).orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void backgroundDeletionRemovesTheDependentsAfterTheOwner() throws Exception {
        ReplicaSet rs = owner("bg");
        dependent("bg-1", "bg", rs.getMetadata().getUid());
        dependent("bg-2", "bg", rs.getMetadata().getUid());
        Kubectl.Result r = kubectl.run(new String[]{"delete", "rs", "bg"});
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        awaitNoPods("bg");
    }

    @Test
    void orphanCascadeKeepsThePodsAndDropsTheirOwnerReference() throws Exception {
        ReplicaSet rs = owner("orph");
        dependent("orph-1", "orph", rs.getMetadata().getUid());
        dependent("orph-2", "orph", rs.getMetadata().getUid());
        Kubectl.Result r = kubectl.run(new String[]{"delete", "rs", "orph", "--cascade=orphan", "--timeout=30s"});
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        client.apps().replicaSets().inNamespace("default").withName("orph").waitUntilCondition(o -> o == null, 30, TimeUnit.SECONDS);
        Thread.sleep(1000);
        assertThat(podsOf("orph")).hasSize(2).allSatisfy(p -> {
            assertThat(p.getMetadata().getOwnerReferences()).isNullOrEmpty();
            assertThat(p.getMetadata().getDeletionTimestamp()).isNull();
        });
    }

    @Test
    void foregroundCascadeDeletesTheDependentsBeforeTheOwner() throws Exception {
        ReplicaSet rs = owner("fg");
        // the test's own finalizer holds the pods in deletion, so the owner's wait can be seen
        dependent("fg-1", "fg", rs.getMetadata().getUid(), "test.coxswain.io/hold");
        dependent("fg-2", "fg", rs.getMetadata().getUid(), "test.coxswain.io/hold");
        Kubectl.Result r = kubectl.run(new String[]{"delete", "rs", "fg", "--cascade=foreground", "--wait=false"});
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        client.pods().inNamespace("default").withLabel("owner", "fg")
                .informOnCondition(ps -> ps.size() == 2 && ps.stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() != null))
                .orTimeout(30, TimeUnit.SECONDS).join();
        Thread.sleep(500);
        ReplicaSet waiting = client.apps().replicaSets().inNamespace("default").withName("fg").get();
        assertThat(waiting).isNotNull();
        assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(waiting.getMetadata().getFinalizers()).contains("foregroundDeletion");
        for (Pod p : podsOf("fg")) {
            client.pods().inNamespace("default").withName(p.getMetadata().getName()).edit(x -> {
                x.getMetadata().getFinalizers().remove("test.coxswain.io/hold");
                return x;
            });
        }
        awaitNoPods("fg");
        client.apps().replicaSets().inNamespace("default").withName("fg").waitUntilCondition(o -> o == null, 30, TimeUnit.SECONDS);
    }

    @Test
    void aDependentWhoseOwnerNeverExistedIsDeleted() {
        dependent("dangling", "ghost", "00000000-0000-0000-0000-000000000000");
        awaitNoPods("ghost");
    }

    @Test
    void aDependentWithOneLiveOwnerKeepsItAndLosesTheDeadOne() throws Exception {
        ReplicaSet live = owner("live");
        Pod p = client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("two-owners").addToLabels("owner", "two")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("live").withUid(live.getMetadata().getUid()).endOwnerReference()
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("dead").withUid("11111111-1111-1111-1111-111111111111").endOwnerReference()
                .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("coxswain/busybox:1").endContainer().endSpec().build()).create();
        Pod kept = client.pods().inNamespace("default").withName(p.getMetadata().getName())
                .waitUntilCondition(x -> x != null && x.getMetadata().getOwnerReferences().size() == 1, 30, TimeUnit.SECONDS);
        assertThat(kept.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("live");
    }
}
