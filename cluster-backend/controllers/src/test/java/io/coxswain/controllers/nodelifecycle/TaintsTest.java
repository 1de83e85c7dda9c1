package io.coxswain.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaintsTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Duration DEFAULT = Duration.ofSeconds(300);

    private static Taint taint(String key, String effect) {
        return new Taint(effect, key, T0.toString(), null);
    }

    private static Toleration toleration(String key, String operator, String value, String effect, Long seconds) {
        return new Toleration(effect, key, operator, seconds, value);
    }

    @Test
    void tolerationMatching() {
        Taint t = new Taint("NoExecute", "k", null, "v");
        assertThat(Taints.tolerates(toleration("k", "Equal", "v", "NoExecute", null), t)).isTrue();
        assertThat(Taints.tolerates(toleration("k", null, "v", null, null), t)).as("empty operator is Equal, empty effect any").isTrue();
        assertThat(Taints.tolerates(toleration("k", "Equal", "w", "NoExecute", null), t)).isFalse();
        assertThat(Taints.tolerates(toleration("k", "Exists", null, null, null), t)).isTrue();
        assertThat(Taints.tolerates(toleration(null, "Exists", null, null, null), t)).as("empty key with Exists tolerates all").isTrue();
        assertThat(Taints.tolerates(toleration("k", "Exists", null, "NoSchedule", null), t)).isFalse();
        assertThat(Taints.tolerates(toleration("other", "Exists", null, null, null), t)).isFalse();
        assertThat(Taints.tolerates(toleration("k", "Lt", "v", null, null), t)).isFalse();
    }

    @Test
    void evictionTimeFollowsTolerationSecondsFromTimeAdded() {
        List<Taint> unreachable = List.of(taint(Taints.UNREACHABLE, "NoExecute"), taint(Taints.UNREACHABLE, "NoSchedule"));
        assertThat(Taints.evictionTime(unreachable, List.of(toleration(Taints.UNREACHABLE, "Exists", null, "NoExecute", 30L)),
                DEFAULT, Taints::added)).isEqualTo(T0.plusSeconds(30));
        assertThat(Taints.evictionTime(unreachable, List.of(
                        toleration(Taints.UNREACHABLE, "Exists", null, "NoExecute", 30L), toleration(null, "Exists", null, null, 10L)),
                DEFAULT, Taints::added)).as("the shortest matching").isEqualTo(T0.plusSeconds(10));
        assertThat(Taints.evictionTime(unreachable, List.of(toleration(Taints.UNREACHABLE, "Exists", null, "NoExecute", -5L)),
                DEFAULT, Taints::added)).as("negative is zero").isEqualTo(T0);
        assertThat(Taints.evictionTime(unreachable, List.of(toleration(Taints.UNREACHABLE, "Exists", null, "NoExecute", null)),
                DEFAULT, Taints::added)).as("tolerated for ever").isNull();
        assertThat(Taints.evictionTime(unreachable, List.of(), DEFAULT, Taints::added)).as("no toleration: podEvictionTimeout")
                .isEqualTo(T0.plus(DEFAULT));
        assertThat(Taints.evictionTime(List.of(taint(Taints.UNREACHABLE, "NoSchedule")), List.of(), DEFAULT, Taints::added))
                .as("NoSchedule never evicts").isNull();
    }

    @Test
    void anUntoleratedForeignNoExecuteTaintEvictsAtOnce() {
        List<Taint> taints = List.of(taint(Taints.NOT_READY, "NoExecute"), taint("dedicated", "NoExecute"));
        assertThat(Taints.evictionTime(taints, List.of(toleration(Taints.NOT_READY, "Exists", null, "NoExecute", 60L)),
                DEFAULT, Taints::added)).isEqualTo(T0);
        assertThat(Taints.evictionTime(taints, List.of(toleration(Taints.NOT_READY, "Exists", null, "NoExecute", 60L),
                toleration("dedicated", "Exists", null, null, null)), DEFAULT, Taints::added)).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void taintsFollowTheReadyCondition() {
        Instant now = T0.plusSeconds(100);
        Taint user = new Taint("NoSchedule", "user", null, "x");
        List<Taint> unknown = Taints.forReady(List.of(user), "Unknown", now);
        assertThat(unknown).extracting(Taint::getKey, Taint::getEffect, Taint::getTimeAdded).containsExactly(
                org.assertj.core.groups.Tuple.tuple("user", "NoSchedule", null),
                org.assertj.core.groups.Tuple.tuple(Taints.UNREACHABLE, "NoSchedule", null),
                org.assertj.core.groups.Tuple.tuple(Taints.UNREACHABLE, "NoExecute", "2024-05-01T10:01:40Z"));
        assertThat(Taints.forReady(unknown, "Unknown", now.plusSeconds(50))).as("timeAdded kept").isEqualTo(unknown);
        List<Taint> notReady = Taints.forReady(unknown, "False", now);
        assertThat(notReady).extracting(Taint::getKey).containsExactly("user", Taints.NOT_READY, Taints.NOT_READY);
        assertThat(Taints.forReady(notReady, "True", now)).containsExactly(user);
        assertThat(Taints.forReady(notReady, null, now)).isEqualTo(notReady);
    }

    @Test
    void conditionsBecomeUnknownPastTheGracePeriod() {
        Node node = new NodeBuilder().withNewMetadata().withName("n").withCreationTimestamp("2024-05-01T09:00:00Z").endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("False").withReason("KubeletNotReady")
                .withLastHeartbeatTime("2024-05-01T09:59:00Z").endCondition().endStatus().build();
        Node unknown = NodeLifecycleController.withConditionsUnknown(node, T0);
        NodeCondition ready = NodeLifecycleController.readyCondition(unknown);
        assertThat(ready.getStatus()).isEqualTo("Unknown");
        assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(ready.getMessage()).isEqualTo("Kubelet stopped posting node status.");
        assertThat(ready.getLastHeartbeatTime()).isEqualTo("2024-05-01T09:59:00Z");
        assertThat(ready.getLastTransitionTime()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(unknown.getStatus().getConditions()).filteredOn(c -> "MemoryPressure".equals(c.getType()))
                .singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("NodeStatusNeverUpdated"));
        assertThat(NodeLifecycleController.withConditionsUnknown(unknown, T0.plusSeconds(5))).as("nothing left to change").isNull();
    }
}
