package io.coxswain.controllers.replicaset;

import io.fabric8.kubernetes.api.model.Pod;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * controller.ActivePodsWithRanks: the order in which a ReplicaSet gives up pods, least mature first. Unassigned
 * before assigned; Pending before Unknown before Running; not ready before ready; lower pod-deletion-cost first;
 * more pods of the same owner on the node (doubled up) first; ready for less time first; more restarts first;
 * newer first. Times compare linearly (the LogarithmicScaleDown buckets are not applied).
 */
final class ActivePods {

    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private ActivePods() {
    }

    /** The {@code count} pods to delete: the first ones in that order, ranked by how many related pods share their node. */
    static List<Pod> toDelete(List<Pod> pods, List<Pod> related, int count) {
        Map<String, Integer> onNode = new HashMap<>();
        for (Pod p : related) {
            if (Pods.active(p)) {
                onNode.merge(nodeName(p), 1, Integer::sum);
            }
        }
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(order(p -> onNode.getOrDefault(nodeName(p), 0)));
        return sorted.subList(0, Math.min(count, sorted.size()));
    }

    /** The ordering, given each pod's rank (its related pods on the same node). */
    static Comparator<Pod> order(java.util.function.ToIntFunction<Pod> rank) {
        Comparator<Pod> byAssignment = Comparator.comparing(p -> !nodeName(p).isEmpty());
        return byAssignment
                .thenComparingInt(ActivePods::phaseOrdinal)
                .thenComparing(Pods::ready)
                .thenComparingInt(ActivePods::deletionCost)
                .thenComparing(Comparator.comparingInt(rank).reversed())
                .thenComparing((a, b) -> Pods.ready(a) && Pods.ready(b) ? newerFirst(Pods.readySince(a), Pods.readySince(b)) : 0)
                .thenComparing(Comparator.comparingInt(Pods::maxRestarts).reversed())
                .thenComparing((a, b) -> newerFirst(Pods.instant(a.getMetadata().getCreationTimestamp()),
                        Pods.instant(b.getMetadata().getCreationTimestamp())));
    }

    private static String nodeName(Pod p) {
        return p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
    }

    /** podPhaseToOrdinal: Pending 0, Unknown 1, Running 2 (anything else counts as Pending). */
    private static int phaseOrdinal(Pod p) {
        return switch (Pods.phase(p)) {
            case "Unknown" -> 1;
            case "Running" -> 2;
            default -> 0;
        };
    }

    private static int deletionCost(Pod p) {
        Map<String, String> annotations = p.getMetadata().getAnnotations();
        String cost = annotations == null ? null : annotations.get(DELETION_COST);
        if (cost == null) {
            return 0;
        }
        try {
            return Integer.parseInt(cost.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** afterOrZero: a missing time first, then the later time first. */
    private static int newerFirst(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return b.compareTo(a);
    }
}
