package io.coxswain.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/** pkg/controller/deployment/util: the arithmetic of rollouts, over plain objects, without the API. */
public final class Rollouts {

    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** Annotations a Deployment does not pass on to its ReplicaSets. */
    static final Set<String> NOT_COPIED = Set.of(LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO);

    // Progressing condition reasons
    public static final String NEW_RS_CREATED = "NewReplicaSetCreated";
    public static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    public static final String RS_UPDATED = "ReplicaSetUpdated";
    public static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    public static final String TIMED_OUT = "ProgressDeadlineExceeded";
    public static final String PAUSED = "DeploymentPaused";
    public static final String RESUMED = "DeploymentResumed";
    public static final String RS_CREATE_ERROR = "ReplicaSetCreateError";
    // Available condition reasons
    public static final String MIN_AVAILABLE = "MinimumReplicasAvailable";
    public static final String MIN_UNAVAILABLE = "MinimumReplicasUnavailable";

    private Rollouts() {
    }

    // ---- maxSurge / maxUnavailable ----

    /** intstr.GetScaledValueFromIntOrPercent: an int as it is, a percent of total rounded up or down. */
    public static int scaledValue(IntOrString value, int total, boolean roundUp) {
        if (value == null) {
            throw new IllegalArgumentException("nil value for IntOrString");
        }
        if (value.getStrVal() == null) {
            return value.getIntVal() == null ? 0 : value.getIntVal();
        }
        String s = value.getStrVal();
        if (!s.endsWith("%")) {
            throw new IllegalArgumentException("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        int percent = Integer.parseInt(s.substring(0, s.length() - 1));
        double scaled = (double) percent * total / 100;
        return (int) (roundUp ? Math.ceil(scaled) : Math.floor(scaled));
    }

    /** ResolveFenceposts: surge rounds up, unavailable down; both zero would deadlock, so unavailable becomes 1. */
    public static int[] resolveFenceposts(IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
        int surge = scaledValue(maxSurge == null ? new IntOrString(0) : maxSurge, desired, true);
        int unavailable = scaledValue(maxUnavailable == null ? new IntOrString(0) : maxUnavailable, desired, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[]{surge, unavailable};
    }

    static boolean rollingUpdate(Deployment d) {
        return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null
                || "RollingUpdate".equals(d.getSpec().getStrategy().getType());
    }

    private static int[] fenceposts(Deployment d) {
        var rolling = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
        IntOrString surge = rolling == null || rolling.getMaxSurge() == null ? new IntOrString("25%") : rolling.getMaxSurge();
        IntOrString unavailable = rolling == null || rolling.getMaxUnavailable() == null ? new IntOrString("25%") : rolling.getMaxUnavailable();
        return resolveFenceposts(surge, unavailable, replicas(d));
    }

    public static int maxSurge(Deployment d) {
        return rollingUpdate(d) ? fenceposts(d)[0] : 0;
    }

    public static int maxUnavailable(Deployment d) {
        if (!rollingUpdate(d) || replicas(d) == 0) {
            return 0;
        }
        return Math.min(fenceposts(d)[1], replicas(d));
    }

    // ---- counts ----

    public static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    public static int replicas(ReplicaSet rs) {
        return rs == null || rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    private static int statusCount(ReplicaSet rs, ToIntFunction<ReplicaSetStatus> field) {
        return rs == null || rs.getStatus() == null ? 0 : field.applyAsInt(rs.getStatus());
    }

    static int n(Integer i) {
        return i == null ? 0 : i;
    }

    /** GetReplicaCountForReplicaSets: the sum of spec.replicas. */
    public static int specReplicas(List<ReplicaSet> sets) {
        return sets.stream().mapToInt(Rollouts::replicas).sum();
    }

    /** GetActualReplicaCountForReplicaSets: the sum of status.replicas. */
    public static int actualReplicas(List<ReplicaSet> sets) {
        return sets.stream().mapToInt(rs -> statusCount(rs, s -> n(s.getReplicas()))).sum();
    }

    public static int readyReplicas(List<ReplicaSet> sets) {
        return sets.stream().mapToInt(rs -> statusCount(rs, s -> n(s.getReadyReplicas()))).sum();
    }

    public static int availableReplicas(List<ReplicaSet> sets) {
        return sets.stream().mapToInt(rs -> statusCount(rs, s -> n(s.getAvailableReplicas()))).sum();
    }

    /**
     * The available pods to count on when scaling down: each ReplicaSet's available pods, but never more than its
     * spec.replicas. A ReplicaSet just scaled down still reports the pods it is about to delete; counting them would
     * let a second scale-down in the same window take the Deployment below maxUnavailable.
     */
    public static int dependableAvailable(List<ReplicaSet> sets) {
        return sets.stream().mapToInt(rs -> Math.min(replicas(rs), statusCount(rs, s -> n(s.getAvailableReplicas())))).sum();
    }

    public static List<ReplicaSet> active(List<ReplicaSet> sets) {
        return sets.stream().filter(rs -> rs != null && replicas(rs) > 0).toList();
    }

    // ---- the new ReplicaSet's size ----

    /** NewRSNewReplicas: how far the new ReplicaSet may grow now (rolling: within maxSurge; recreate: at once). */
    public static int newRSNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRS) {
        if (!rollingUpdate(d)) {
            return replicas(d);
        }
        int current = specReplicas(all);
        int maxTotal = replicas(d) + maxSurge(d);
        if (current >= maxTotal) {
            return replicas(newRS);
        }
        int scaleUp = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
        return replicas(newRS) + scaleUp;
    }

    /** IsSaturated: the new ReplicaSet has all the Deployment's replicas, all of them available. */
    public static boolean saturated(Deployment d, ReplicaSet rs) {
        if (rs == null) {
            return false;
        }
        Integer desired = intAnnotation(rs, DESIRED_REPLICAS);
        return desired != null && desired == replicas(d) && statusCount(rs, s -> n(s.getAvailableReplicas())) == replicas(d)
                && replicas(rs) == replicas(d);
    }

    /** GetProportion: this ReplicaSet's share of a proportional scaling, within what is left to add. */
    public static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
        if (rs == null || replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, d);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    private static int fraction(ReplicaSet rs, Deployment d) {
        if (replicas(d) == 0) {
            return -replicas(rs);
        }
        int deploymentReplicas = replicas(d) + maxSurge(d);
        Integer annotated = intAnnotation(rs, MAX_REPLICAS);
        int was = annotated != null ? annotated : (d.getStatus() == null ? 0 : n(d.getStatus().getReplicas()));
        if (was == 0) {
            return 0;
        }
        double size = (double) replicas(rs) * deploymentReplicas / was;
        return (int) Math.round(size) - replicas(rs);
    }

    // ---- ordering ----

    static final Comparator<ReplicaSet> BY_CREATION = Comparator
            .comparing((ReplicaSet rs) -> instantOrMin(rs.getMetadata().getCreationTimestamp()))
            .thenComparing(rs -> rs.getMetadata().getName());

    /** ReplicaSetsBySizeNewer: larger first, then newer first. */
    static final Comparator<ReplicaSet> BY_SIZE_NEWER = Comparator.comparingInt((ReplicaSet rs) -> replicas(rs)).reversed()
            .thenComparing(BY_CREATION.reversed());

    /** ReplicaSetsBySizeOlder: larger first, then older first. */
    static final Comparator<ReplicaSet> BY_SIZE_OLDER = Comparator.comparingInt((ReplicaSet rs) -> replicas(rs)).reversed()
            .thenComparing(BY_CREATION);

    static final Comparator<ReplicaSet> BY_REVISION = Comparator.comparingLong(Rollouts::revision).thenComparing(BY_CREATION);

    private static Instant instantOrMin(String timestamp) {
        return timestamp == null ? Instant.MIN : Instant.parse(timestamp);
    }

    // ---- annotations ----

    public static long revision(ReplicaSet rs) {
        String v = annotations(rs).get(REVISION);
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static long maxRevision(List<ReplicaSet> sets) {
        return sets.stream().mapToLong(Rollouts::revision).max().orElse(0);
    }

    static Map<String, String> annotations(ReplicaSet rs) {
        return rs.getMetadata().getAnnotations() == null ? Map.of() : rs.getMetadata().getAnnotations();
    }

    private static Integer intAnnotation(ReplicaSet rs, String name) {
        try {
            String v = annotations(rs).get(name);
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Integer desiredReplicas(ReplicaSet rs) {
        return intAnnotation(rs, DESIRED_REPLICAS);
    }

    /** ReplicasAnnotationsNeedUpdate. */
    static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
        Map<String, String> a = annotations(rs);
        return !String.valueOf(desired).equals(a.get(DESIRED_REPLICAS)) || !String.valueOf(max).equals(a.get(MAX_REPLICAS));
    }

    /** SetReplicasAnnotations on a mutable copy. @return whether they changed */
    static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        Map<String, String> a = mutableAnnotations(rs);
        String oldDesired = a.put(DESIRED_REPLICAS, String.valueOf(desired));
        String oldMax = a.put(MAX_REPLICAS, String.valueOf(max));
        return !String.valueOf(desired).equals(oldDesired) || !String.valueOf(max).equals(oldMax);
    }

    static Map<String, String> mutableAnnotations(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(rs.getMetadata().getAnnotations());
        rs.getMetadata().setAnnotations(a);
        return a;
    }

    /**
     * SetNewReplicaSetAnnotations on a mutable copy: the Deployment's own annotations, the new revision (keeping the
     * revisions it had before in revision-history when an old template comes back), and for a ReplicaSet about to
     * be created the replica annotations. @return whether anything changed
     */
    static boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, long newRevision, boolean exists) {
        Map<String, String> a = mutableAnnotations(rs);
        boolean changed = false;
        Map<String, String> own = d.getMetadata().getAnnotations() == null ? Map.of() : d.getMetadata().getAnnotations();
        for (Map.Entry<String, String> e : own.entrySet()) {
            if (!NOT_COPIED.contains(e.getKey()) && !e.getValue().equals(a.get(e.getKey()))) {
                a.put(e.getKey(), e.getValue());
                changed = true;
            }
        }
        String oldRevision = a.get(REVISION);
        long old;
        try {
            old = oldRevision == null || oldRevision.isEmpty() ? 0 : Long.parseLong(oldRevision);
        } catch (NumberFormatException e) {
            return false;
        }
        if (old < newRevision) {
            a.put(REVISION, String.valueOf(newRevision));
            changed = true;
            if (oldRevision != null) {
                String history = a.get(REVISION_HISTORY);
                a.put(REVISION_HISTORY, history == null || history.isEmpty() ? oldRevision : history + "," + oldRevision);
            }
        }
        if (!exists) {
            changed |= setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d));
        }
        return changed;
    }

    // ---- conditions ----

    public static DeploymentCondition condition(DeploymentStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    static DeploymentCondition newCondition(String type, String status, String reason, String message, Instant now) {
        String t = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastUpdateTime(t).withLastTransitionTime(t).build();
    }

    /** SetDeploymentCondition: the same status and reason is no change; the same status keeps its transition time. */
    static void setCondition(DeploymentStatus status, DeploymentCondition condition) {
        DeploymentCondition current = condition(status, condition.getType());
        if (current != null && current.getStatus().equals(condition.getStatus()) && current.getReason().equals(condition.getReason())) {
            return;
        }
        if (current != null && current.getStatus().equals(condition.getStatus())) {
            condition.setLastTransitionTime(current.getLastTransitionTime());
        }
        removeCondition(status, condition.getType());
        List<DeploymentCondition> conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
        conditions.add(condition);
        status.setConditions(conditions);
    }

    static void removeCondition(DeploymentStatus status, String type) {
        if (status.getConditions() != null) {
            status.setConditions(new ArrayList<>(status.getConditions().stream().filter(c -> !type.equals(c.getType())).toList()));
        }
    }

    static boolean hasProgressDeadline(Deployment d) {
        Integer s = d.getSpec().getProgressDeadlineSeconds();
        return s != null && s != Integer.MAX_VALUE;
    }

    /** DeploymentComplete: every replica updated and available, and the latest spec observed. */
    public static boolean complete(Deployment d, DeploymentStatus s) {
        int want = replicas(d);
        return n(s.getUpdatedReplicas()) == want && n(s.getReplicas()) == want && n(s.getAvailableReplicas()) == want
                && s.getObservedGeneration() != null && s.getObservedGeneration() >= d.getMetadata().getGeneration();
    }

    /** DeploymentProgressing: more updated, fewer old, more ready or more available pods than the recorded status. */
    static boolean progressing(Deployment d, DeploymentStatus s) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        int oldOld = n(old.getReplicas()) - n(old.getUpdatedReplicas());
        int newOld = n(s.getReplicas()) - n(s.getUpdatedReplicas());
        return n(s.getUpdatedReplicas()) > n(old.getUpdatedReplicas()) || newOld < oldOld
                || n(s.getReadyReplicas()) > n(old.getReadyReplicas()) || n(s.getAvailableReplicas()) > n(old.getAvailableReplicas());
    }

    /** DeploymentTimedOut: no progress recorded within progressDeadlineSeconds of the Progressing condition's last update. */
    static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
        if (!hasProgressDeadline(d)) {
            return false;
        }
        DeploymentCondition c = condition(s, "Progressing");
        if (c == null || NEW_RS_AVAILABLE.equals(c.getReason())) {
            return false;
        }
        if (TIMED_OUT.equals(c.getReason())) {
            return true;
        }
        return deadline(d, c).isBefore(now);
    }

    static Instant deadline(Deployment d, DeploymentCondition progressing) {
        return Instant.parse(progressing.getLastUpdateTime()).plus(Duration.ofSeconds(d.getSpec().getProgressDeadlineSeconds()));
    }
}
