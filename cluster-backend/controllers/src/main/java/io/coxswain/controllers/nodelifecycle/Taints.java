package io.coxswain.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The pure part of node lifecycle: which taints a node's Ready condition calls for, whether a toleration tolerates a
 * taint, and when a pod on a node with NoExecute taints has to go.
 */
final class Taints {

    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String NO_EXECUTE = "NoExecute";
    static final String NO_SCHEDULE = "NoSchedule";

    private Taints() {
    }

    /** {@code Toleration.ToleratesTaint}: effect and key match when set; Exists ignores the value, Equal compares it. */
    static boolean tolerates(Toleration toleration, Taint taint) {
        if (!empty(toleration.getEffect()) && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (!empty(toleration.getKey()) && !toleration.getKey().equals(taint.getKey())) {
            return false;
        }
        String operator = toleration.getOperator();
        if (empty(operator) || "Equal".equals(operator)) {
            return Objects.equals(nullToEmpty(toleration.getValue()), nullToEmpty(taint.getValue()));
        }
        return "Exists".equals(operator);
    }

    private static boolean lifecycleTaint(Taint taint) {
        return NOT_READY.equals(taint.getKey()) || UNREACHABLE.equals(taint.getKey());
    }

    /**
     * When a pod must be evicted from a node with these taints, or null if never. For each NoExecute taint: the
     * shortest finite tolerationSeconds among the tolerations that tolerate it, counted from the taint's timeAdded
     * (a toleration without seconds tolerates it for ever); a not-ready/unreachable taint that nothing tolerates
     * gets {@code podEvictionTimeout}, any other untolerated NoExecute taint evicts at once.
     *
     * @param added when each taint was added (its timeAdded, or when it was first seen)
     */
    static Instant evictionTime(List<Taint> taints, List<Toleration> tolerations, Duration podEvictionTimeout,
                                Function<Taint, Instant> added) {
        Instant earliest = null;
        for (Taint taint : taints == null ? List.<Taint>of() : taints) {
            if (!NO_EXECUTE.equals(taint.getEffect())) {
                continue;
            }
            List<Toleration> matching = tolerations == null ? List.of() : tolerations.stream().filter(t -> tolerates(t, taint)).toList();
            Duration tolerated;
            if (matching.isEmpty()) {
                tolerated = lifecycleTaint(taint) ? podEvictionTimeout : Duration.ZERO;
            } else {
                Long seconds = matching.stream().map(Toleration::getTolerationSeconds).filter(Objects::nonNull)
                        .min(Long::compare).orElse(null);
                if (seconds == null) {
                    continue;
                }
                tolerated = Duration.ofSeconds(Math.max(0, seconds));
            }
            Instant at = added.apply(taint).plus(tolerated);
            earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
        }
        return earliest;
    }

    /**
     * The node's taints with the not-ready/unreachable ones set for its Ready condition status: {@code False} gets
     * not-ready, {@code Unknown} unreachable, both NoSchedule and NoExecute (the latter stamped with timeAdded);
     * {@code True} gets neither. A taint already present keeps its timeAdded. With no Ready condition yet (null) the
     * taints stay as they are.
     */
    static List<Taint> forReady(List<Taint> taints, String readyStatus, Instant now) {
        List<Taint> current = taints == null ? List.of() : taints;
        if (readyStatus == null) {
            return current;
        }
        String wanted = switch (readyStatus) {
            case "False" -> NOT_READY;
            case "Unknown" -> UNREACHABLE;
            default -> null;
        };
        List<Taint> result = new ArrayList<>();
        for (Taint taint : current) {
            boolean ours = lifecycleTaint(taint) && (NO_EXECUTE.equals(taint.getEffect()) || NO_SCHEDULE.equals(taint.getEffect()));
            if (!ours || taint.getKey().equals(wanted)) {
                result.add(taint);
            }
        }
        if (wanted != null) {
            for (String effect : List.of(NO_SCHEDULE, NO_EXECUTE)) {
                if (result.stream().noneMatch(t -> wanted.equals(t.getKey()) && effect.equals(t.getEffect()))) {
                    Taint taint = new Taint(effect, wanted, NO_EXECUTE.equals(effect) ? now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString() : null, null);
                    result.add(taint);
                }
            }
        }
        return result;
    }

    /** A taint's timeAdded, for tests and callers that have no first-seen time of their own. */
    static Instant added(Taint taint) {
        return Instant.parse(taint.getTimeAdded());
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
