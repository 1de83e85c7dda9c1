package io.coxswain.ls.cluster;

import io.coxswain.ls.model.ManifestDocument;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The status texts of CLUSTER-LINK.md, computed from objects as the informers hold them. */
class StatusSummariesTest {

    /** The informers' caches, filled with objects as the cluster would return them. */
    private static final class Objects implements ClusterCache {
        private final List<HasMetadata> all = new ArrayList<>();

        Objects add(HasMetadata... objects) {
            all.addAll(List.of(objects));
            return this;
        }

        @Override
        public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
            return list(type, namespace).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElse(null);
        }

        @Override
        public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
            return all.stream().filter(type::isInstance).map(type::cast)
                    .filter(o -> namespace.equals(o.getMetadata().getNamespace())).toList();
        }
    }

    private static ManifestObject object(String kind, String name) {
        String text = "apiVersion: v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n";
        return ManifestObject.of(ManifestDocument.of("file:///a.yaml", 1, text), 0, "default");
    }

    private static PodBuilder pod(String name, String ownerUid) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid(name + "-uid")
                .addNewOwnerReference().withUid(ownerUid).withKind("ReplicaSet").withName("rs").endOwnerReference().endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("x").endContainer().endSpec();
    }

    private static Pod running(String name, String ownerUid, boolean ready) {
        return pod(name, ownerUid).withNewStatus().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                .withName("web").withReady(ready).withRestartCount(0).withNewState().withNewRunning().endRunning().endState()
                .build()).endStatus().build();
    }

    private static Pod waiting(String name, String ownerUid, String reason, int restarts) {
        return pod(name, ownerUid).withNewStatus().withPhase(reason.equals("CrashLoopBackOff") ? "Running" : "Pending")
                .withContainerStatuses(new ContainerStatusBuilder().withName("web").withReady(false).withRestartCount(restarts)
                        .withNewState().withNewWaiting().withReason(reason).endWaiting().endState().build()).endStatus().build();
    }

    private static Objects deploymentChain(int desired, int ready, Pod... pods) {
        int owned = (int) java.util.Arrays.stream(pods).filter(p -> StatusSummaries.ownedBy(p, rsUid())).count();
        return new Objects().add(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("default")
                        .withUid("d-uid").withGeneration(1L).endMetadata().withNewSpec().withReplicas(desired).endSpec()
                        .withNewStatus().withObservedGeneration(1L).withReplicas(owned).withReadyReplicas(ready)
                        .withUpdatedReplicas(owned).endStatus().build(),
                new ReplicaSetBuilder().withNewMetadata().withName("web-1").withNamespace("default").withUid("rs-uid")
                        .addNewOwnerReference().withUid("d-uid").withKind("Deployment").withName("web").endOwnerReference()
                        .endMetadata().build()).add(pods);
    }

    private static HasMetadata rsUid() {
        return new ReplicaSetBuilder().withNewMetadata().withUid("rs-uid").endMetadata().build();
    }

    @Test
    void deploymentFollowsItsReplicaSetToThePods() {
        var status = StatusSummaries.of(object("Deployment", "web"),
                deploymentChain(2, 2, running("web-a", "rs-uid", true), running("web-b", "rs-uid", true)));
        assertThat(status.text()).isEqualTo("● Running 2/2 ready");
        assertThat(status.severity()).isEqualTo(ObjectStatus.INFO);
        assertThat(status.pods()).extracting(ObjectStatus.PodStatus::name).containsExactlyInAnyOrder("web-a", "web-b");
        assertThat(status.details()).contains("Pod `web-a`: phase Running");
    }

    @Test
    void theWorstPodProblemWinsWhileARolloutIsNotDone() {
        var status = StatusSummaries.of(object("Deployment", "web"),
                deploymentChain(2, 1, running("web-a", "rs-uid", true), waiting("web-b", "rs-uid", "ImagePullBackOff", 0)));
        assertThat(status.text()).isEqualTo("✖ ImagePullBackOff");
        assertThat(status.severity()).isEqualTo(ObjectStatus.ERROR);
        status = StatusSummaries.of(object("Deployment", "web"),
                deploymentChain(1, 0, waiting("web-a", "rs-uid", "CrashLoopBackOff", 4)));
        assertThat(status.text()).isEqualTo("⚠ CrashLoopBackOff (4 restarts)");
        assertThat(status.severity()).isEqualTo(ObjectStatus.WARNING);
        status = StatusSummaries.of(object("Deployment", "web"), deploymentChain(2, 1, running("web-a", "rs-uid", true)));
        assertThat(status.text()).isEqualTo("⏳ Progressing 1/2 ready");
    }

    @Test
    void podsOfOtherOwnersAreNotCounted() {
        var status = StatusSummaries.of(object("Deployment", "web"),
                deploymentChain(1, 1, running("web-a", "rs-uid", true), waiting("other", "someone-else", "ImagePullBackOff", 0)));
        assertThat(status.text()).isEqualTo("● Running 1/1 ready");
    }

    @Test
    void unschedulablePodSaysWhy() {
        Pod pending = new PodBuilder(pod("p", "x").build()).withNewStatus().withPhase("Pending").addNewCondition()
                .withType("PodScheduled").withStatus("False").withMessage("0/2 nodes are available: 2 Insufficient cpu.")
                .endCondition().endStatus().build();
        var status = StatusSummaries.of(object("Pod", "p"), new Objects().add(pending));
        assertThat(status.text()).isEqualTo("⏳ Pending: 0/2 nodes are available: 2 Insufficient cpu.");
        assertThat(status.severity()).isEqualTo(ObjectStatus.WARNING);
    }

    @Test
    void jobCompleteAndFailed() {
        var complete = new JobBuilder().withNewMetadata().withName("j").withNamespace("default").withUid("j-uid").endMetadata()
                .withNewSpec().withCompletions(5).endSpec().withNewStatus().withSucceeded(5).addNewCondition()
                .withType("Complete").withStatus("True").endCondition().endStatus().build();
        assertThat(StatusSummaries.of(object("Job", "j"), new Objects().add(complete)).text()).isEqualTo("✔ Complete 5/5");
        var failed = new JobBuilder(complete).editStatus().withConditions().addNewCondition().withType("Failed")
                .withStatus("True").withReason("BackoffLimitExceeded").endCondition().endStatus().build();
        var status = StatusSummaries.of(object("Job", "j"), new Objects().add(failed));
        assertThat(status.text()).isEqualTo("✖ Failed: BackoffLimitExceeded");
        assertThat(status.severity()).isEqualTo(ObjectStatus.ERROR);
    }

    @Test
    void serviceCountsReadyEndpointsAndCarriesTheLatestWarning() {
        var service = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").withUid("s-uid")
                .endMetadata().withNewSpec().addToSelector("app", "web").endSpec().build();
        var endpoints = new EndpointsBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .addNewSubset().addNewAddress().withIp("10.244.0.2").endAddress().addNewAddress().withIp("10.244.0.3")
                .endAddress().endSubset().build();
        var event = new EventBuilder().withNewMetadata().withName("e").withNamespace("default").endMetadata()
                .withType("Warning").withReason("Odd").withMessage("something odd").withLastTimestamp("2026-11-29T12:00:00Z")
                .withNewInvolvedObject().withKind("Service").withName("web").withUid("s-uid").endInvolvedObject().build();
        var status = StatusSummaries.of(object("Service", "web"), new Objects().add(service, endpoints, event));
        assertThat(status.text()).isEqualTo("● 2 endpoints ready");
        assertThat(status.latestWarning()).isEqualTo("Odd: something odd");
        assertThat(StatusSummaries.of(object("Service", "web"), new Objects().add(service)).text()).isEqualTo("⚠ No ready endpoints");
    }

    @Test
    void anObjectTheClusterDoesNotHaveHasNoStatus() {
        assertThat(StatusSummaries.of(object("Deployment", "web"), new Objects())).isNull();
        assertThat(StatusSummaries.of(object("ConfigMap", "web"), new Objects())).isNull();
    }
}
