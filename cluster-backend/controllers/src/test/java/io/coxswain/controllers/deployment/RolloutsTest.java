package io.coxswain.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RolloutsTest {

    private static Deployment deployment(int replicas, Object surge, Object unavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("d").withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString(surge)).withMaxUnavailable(new IntOrString(unavailable)).endRollingUpdate().endStrategy()
                .endSpec().build();
    }

    private static ReplicaSet rs(String name, int replicas, int available) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withReplicas(replicas).withAvailableReplicas(available).endStatus().build();
    }

    @Test
    void percentsRoundSurgeUpAndUnavailableDown() {
        assertThat(Rollouts.scaledValue(new IntOrString("25%"), 10, true)).isEqualTo(3);
        assertThat(Rollouts.scaledValue(new IntOrString("25%"), 10, false)).isEqualTo(2);
        assertThat(Rollouts.scaledValue(new IntOrString(4), 10, false)).isEqualTo(4);
        assertThat(Rollouts.resolveFenceposts(new IntOrString("25%"), new IntOrString("25%"), 1)).containsExactly(1, 0);
        assertThat(Rollouts.resolveFenceposts(new IntOrString(0), new IntOrString("10%"), 5)).containsExactly(0, 1);
        assertThatThrownBy(() -> Rollouts.scaledValue(new IntOrString("3"), 10, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maxSurgeAndMaxUnavailableOfADeployment() {
        Deployment d = deployment(20, 3, 2);
        assertThat(Rollouts.maxSurge(d)).isEqualTo(3);
        assertThat(Rollouts.maxUnavailable(d)).isEqualTo(2);
        assertThat(Rollouts.maxUnavailable(deployment(2, 0, "100%"))).isEqualTo(2);
        assertThat(Rollouts.maxUnavailable(deployment(3, 0, 5))).isEqualTo(3);
        assertThat(Rollouts.maxUnavailable(deployment(0, 1, 1))).isZero();
        Deployment recreate = new DeploymentBuilder(d).editSpec().editStrategy().withType("Recreate").withRollingUpdate(null).endStrategy().endSpec().build();
        assertThat(Rollouts.maxSurge(recreate)).isZero();
        assertThat(Rollouts.newRSNewReplicas(recreate, List.of(), rs("new", 0, 0))).isEqualTo(20);
    }

    @Test
    void theNewReplicaSetGrowsWithinSurge() {
        Deployment d = deployment(20, 3, 2);
        ReplicaSet old = rs("old", 20, 20);
        ReplicaSet fresh = rs("new", 0, 0);
        assertThat(Rollouts.newRSNewReplicas(d, List.of(old, fresh), fresh)).isEqualTo(3);
        ReplicaSet grown = rs("new", 3, 0);
        assertThat(Rollouts.newRSNewReplicas(d, List.of(old, grown), grown)).isEqualTo(3);
        ReplicaSet shrunk = rs("old", 15, 15);
        assertThat(Rollouts.newRSNewReplicas(d, List.of(shrunk, grown), grown)).isEqualTo(8);
        ReplicaSet almost = rs("new", 19, 19);
        assertThat(Rollouts.newRSNewReplicas(d, List.of(rs("old", 0, 0), almost), almost)).isEqualTo(20);
    }

    @Test
    void dependableAvailabilityNeverCountsMoreThanTheSpec() {
        ReplicaSet justScaledDown = rs("old", 18, 20);
        assertThat(Rollouts.availableReplicas(List.of(justScaledDown))).isEqualTo(20);
        assertThat(Rollouts.dependableAvailable(List.of(justScaledDown, rs("new", 3, 1)))).isEqualTo(19);
    }

    @Test
    void proportionalScalingFollowsTheMaxReplicasAnnotation() {
        Deployment d = deployment(15, 3, 2);
        ReplicaSet old = rs("old", 8, 8);
        Rollouts.setReplicasAnnotations(old, 10, 13);
        // 8 of 13 scaled to 18 rounds to 11: 3 more
        assertThat(Rollouts.proportion(old, d, 5, 0)).isEqualTo(3);
        assertThat(Rollouts.proportion(old, d, 2, 0)).isEqualTo(2);
        assertThat(Rollouts.proportion(rs("empty", 0, 0), d, 5, 0)).isZero();
        assertThat(Rollouts.proportion(old, deployment(0, 3, 2), -8, 0)).isEqualTo(-8);
    }

    @Test
    void newReplicaSetAnnotationsKeepRevisionHistoryOnRollback() {
        Deployment d = new DeploymentBuilder(deployment(2, 1, 0)).editMetadata().addToAnnotations("team", "a")
                .addToAnnotations(Rollouts.LAST_APPLIED, "{}").endMetadata().build();
        ReplicaSet rs = rs("back", 0, 0);
        assertThat(Rollouts.setNewReplicaSetAnnotations(d, rs, 1, false)).isTrue();
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "1").containsEntry("team", "a")
                .containsEntry(Rollouts.DESIRED_REPLICAS, "2").containsEntry(Rollouts.MAX_REPLICAS, "3")
                .doesNotContainKey(Rollouts.LAST_APPLIED).doesNotContainKey(Rollouts.REVISION_HISTORY);
        assertThat(Rollouts.setNewReplicaSetAnnotations(d, rs, 1, true)).isFalse();
        assertThat(Rollouts.setNewReplicaSetAnnotations(d, rs, 3, true)).isTrue();
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION, "3").containsEntry(Rollouts.REVISION_HISTORY, "1");
        Rollouts.setNewReplicaSetAnnotations(d, rs, 5, true);
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Rollouts.REVISION_HISTORY, "1,3");
    }
}
