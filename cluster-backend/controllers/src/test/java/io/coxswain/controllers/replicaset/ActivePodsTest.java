package io.coxswain.controllers.replicaset;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ActivePodsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static PodBuilder pod(String name, String node, String phase, Boolean ready, Instant readySince, int restarts, Instant created) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withCreationTimestamp(created.toString()).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase(phase)
                .addToContainerStatuses(new ContainerStatusBuilder().withName("c").withRestartCount(restarts).build())
                .endStatus();
        if (ready != null) {
            b.editStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                    .withLastTransitionTime(readySince.toString()).endCondition().endStatus();
        }
        return b;
    }

    private static List<String> order(Pod... pods) {
        List<Pod> list = new ArrayList<>(List.of(pods));
        Collections.reverse(list);
        return ActivePods.toDelete(list, List.of(), list.size()).stream().map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void leastMatureFirst() {
        Pod unassigned = pod("unassigned", null, "Pending", null, null, 0, T0).build();
        Pod pending = pod("pending", "n1", "Pending", null, null, 0, T0).build();
        Pod unknown = pod("unknown", "n1", "Unknown", null, null, 0, T0).build();
        Pod notReady = pod("not-ready", "n1", "Running", false, T0, 0, T0).build();
        Pod readyRecently = pod("ready-recently", "n1", "Running", true, T0.plusSeconds(100), 0, T0).build();
        Pod restarted = pod("restarted", "n1", "Running", true, T0.plusSeconds(10), 5, T0).build();
        Pod newer = pod("newer", "n1", "Running", true, T0.plusSeconds(10), 0, T0.plusSeconds(5)).build();
        Pod oldest = pod("oldest", "n1", "Running", true, T0.plusSeconds(10), 0, T0).build();
        assertThat(order(unassigned, pending, unknown, notReady, readyRecently, restarted, newer, oldest))
                .containsExactly("unassigned", "pending", "unknown", "not-ready", "ready-recently", "restarted", "newer", "oldest");
    }

    @Test
    void lowerDeletionCostAndDoubledUpPodsGoFirst() {
        Pod cheap = pod("cheap", "n1", "Running", true, T0, 0, T0).editMetadata()
                .addToAnnotations(ActivePods.DELETION_COST, "-5").endMetadata().build();
        Pod crowded = pod("crowded", "n1", "Running", true, T0, 0, T0).build();
        Pod alone = pod("alone", "n2", "Running", true, T0, 0, T0.plusSeconds(60)).build();
        Pod neighbour = pod("neighbour", "n1", "Running", true, T0, 0, T0).build();
        List<Pod> pods = List.of(alone, crowded, cheap);
        List<String> names = ActivePods.toDelete(pods, List.of(alone, crowded, cheap, neighbour), 3).stream()
                .map(p -> p.getMetadata().getName()).toList();
        // the newer pod alone on n2 outlives the older one on the crowded node
        assertThat(names).containsExactly("cheap", "crowded", "alone");
    }

    @Test
    void takesOnlyTheCountAsked() {
        Pod a = pod("a", "n1", "Pending", null, null, 0, T0).build();
        Pod b = pod("b", "n1", "Running", true, T0, 0, T0).build();
        assertThat(ActivePods.toDelete(List.of(b, a), List.of(), 1)).extracting(p -> p.getMetadata().getName()).containsExactly("a");
    }

    @Test
    void availabilityWaitsForMinReadySeconds() {
        Pod p = pod("p", "n1", "Running", true, T0, 0, T0).build();
        assertThat(Pods.available(p, 0, T0)).isTrue();
        assertThat(Pods.available(p, 10, T0.plusSeconds(5))).isFalse();
        assertThat(Pods.available(p, 10, T0.plusSeconds(11))).isTrue();
        assertThat(Pods.active(new PodBuilder(p).editMetadata().withDeletionTimestamp(T0.toString()).endMetadata().build())).isFalse();
        assertThat(Pods.active(new PodBuilder(p).editStatus().withPhase("Succeeded").endStatus().build())).isFalse();
    }

    @Test
    void expectationsHoldUntilObservedOrExpired() {
        Instant[] now = {T0};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now[0];
            }
        };
        Expectations e = new Expectations(clock);
        assertThat(e.satisfied("ns/rs")).isTrue();
        e.expectCreations("ns/rs", 2);
        e.creationObserved("ns/rs");
        assertThat(e.satisfied("ns/rs")).isFalse();
        e.creationObserved("ns/rs");
        assertThat(e.satisfied("ns/rs")).isTrue();

        e.expectDeletions("ns/rs", Set.of("ns/a", "ns/b"));
        e.deletionObserved("ns/rs", "ns/a");
        e.deletionObserved("ns/rs", "ns/a");
        assertThat(e.satisfied("ns/rs")).isFalse();
        now[0] = T0.plus(Expectations.TIMEOUT).plusSeconds(1);
        assertThat(e.satisfied("ns/rs")).isTrue();
    }
}
