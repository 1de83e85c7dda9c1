package io.coxswain.controllers.replicaset;

import io.coxswain.controllers.machinery.Selectors;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ReplicationController as the shared replica reconcile sees it. */
class ReplicaOwnerKindTest {

    private static final ReplicaOwnerKind<ReplicationController> RC = ReplicaOwnerKind.REPLICATION_CONTROLLER;

    @Test
    void aMapSelectorIsALabelSelectorWithMatchLabelsOnly() {
        ReplicationController rc = new ReplicationControllerBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web")).withNewTemplate().withNewMetadata()
                .withLabels(Map.of("app", "web", "tier", "front")).endMetadata().endTemplate().endSpec().build();
        assertThat(RC.selector(rc).getMatchLabels()).isEqualTo(Map.of("app", "web"));
        assertThat(RC.selector(rc).getMatchExpressions()).isNullOrEmpty();
        assertThat(Selectors.matches(RC.selector(rc), Map.of("app", "web", "tier", "back"))).isTrue();
        assertThat(Selectors.matches(RC.selector(rc), Map.of("app", "api"))).isFalse();
        assertThat(RC.template(rc).getMetadata().getLabels()).containsEntry("tier", "front");
        assertThat(RC.replicas(rc)).isEqualTo(1);
        assertThat(RC.minReadySeconds(rc)).isZero();
        assertThat(RC.kind()).isEqualTo("ReplicationController");
    }

    @Test
    void noSelectorSelectsNothing() {
        ReplicationController rc = new ReplicationControllerBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(0).endSpec().build();
        assertThat(Selectors.isEmpty(RC.selector(rc))).isTrue();
        assertThat(RC.replicas(rc)).isZero();
        assertThat(RC.status(rc)).isNull();
    }

    @Test
    void statusGoesThroughTheReplicaSetShapeAndBack() {
        ReplicaSetStatus status = new ReplicaSetStatusBuilder().withReplicas(3).withFullyLabeledReplicas(3).withReadyReplicas(2)
                .withAvailableReplicas(1).withObservedGeneration(4L)
                .withConditions(new ReplicaSetConditionBuilder().withType("ReplicaFailure").withStatus("True")
                        .withReason("FailedCreate").withMessage("quota").withLastTransitionTime("2025-01-01T00:00:00Z").build())
                .build();
        ReplicationController rc = RC.withStatus(new ReplicationControllerBuilder().withNewMetadata().withName("web").endMetadata()
                .build(), status);
        assertThat(rc.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(rc.getStatus().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("FailedCreate");
            assertThat(c.getLastTransitionTime()).isEqualTo("2025-01-01T00:00:00Z");
        });
        assertThat(RC.status(rc)).isEqualTo(status);
    }
}
