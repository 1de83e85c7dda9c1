package io.coxswain.controllers.replicaset;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** podutil: a pod's readiness and availability, as the ReplicaSet controller counts them. */
public final class Pods {

    private Pods() {
    }

    /** FilterActivePods: neither finished nor being deleted. */
    public static boolean active(Pod p) {
        String phase = phase(p);
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && p.getMetadata().getDeletionTimestamp() == null;
    }

    public static String phase(Pod p) {
        return p.getStatus() == null || p.getStatus().getPhase() == null ? "" : p.getStatus().getPhase();
    }

    public static boolean ready(Pod p) {
        PodCondition c = readyCondition(p);
        return c != null && "True".equals(c.getStatus());
    }

    /** When the pod last became ready, or null when it is not ready or does not say. */
    public static Instant readySince(Pod p) {
        PodCondition c = readyCondition(p);
        return c == null || !"True".equals(c.getStatus()) ? null : instant(c.getLastTransitionTime());
    }

    /** IsPodAvailable: ready for at least minReadySeconds. */
    public static boolean available(Pod p, int minReadySeconds, Instant now) {
        if (!ready(p)) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        Instant since = readySince(p);
        return since != null && since.plus(Duration.ofSeconds(minReadySeconds)).isBefore(now);
    }

    /** The most restarts of any of the pod's containers, init containers included. */
    public static int maxRestarts(Pod p) {
        if (p.getStatus() == null) {
            return 0;
        }
        return Stream.of(p.getStatus().getContainerStatuses(), p.getStatus().getInitContainerStatuses())
                .filter(l -> l != null).flatMap(List::stream)
                .map(ContainerStatus::getRestartCount).filter(n -> n != null).mapToInt(Integer::intValue).max().orElse(0);
    }

    static Instant instant(String timestamp) {
        return timestamp == null || timestamp.isEmpty() ? null : Instant.parse(timestamp);
    }

    private static PodCondition readyCondition(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return null;
        }
        return p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }
}
