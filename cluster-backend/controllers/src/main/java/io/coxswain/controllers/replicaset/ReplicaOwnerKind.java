package io.coxswain.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerConditionBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;

import java.util.List;
import java.util.function.Function;

/**
 * What the one replica reconcile of {@link ReplicaSetController} reads and writes of a kind of owner. Upstream,
 * pkg/controller/replication runs the ReplicaSet controller on ReplicationControllers converted to ReplicaSets and back;
 * here the conversion is this strategy: the owner's selector (a ReplicationController's plain map is a LabelSelector with
 * matchLabels only), template, replicas and minReadySeconds, and its status in the ReplicaSet's shape (the two status
 * types have the same fields).
 *
 * @param <T> the owner's class; its apiVersion and kind go into the pods' controller references
 */
public abstract sealed class ReplicaOwnerKind<T extends HasMetadata> {

    /** apps/v1 ReplicaSet. */
    public static final ReplicaOwnerKind<ReplicaSet> REPLICA_SET = new ReplicaSets();
    /** v1 ReplicationController. */
    public static final ReplicaOwnerKind<ReplicationController> REPLICATION_CONTROLLER = new ReplicationControllers();

    private final Class<T> type;
    private final String kind;
    private final String controllerName;

    private ReplicaOwnerKind(Class<T> type, String kind, String controllerName) {
        this.type = type;
        this.kind = kind;
        this.controllerName = controllerName;
    }

    public Class<T> type() {
        return type;
    }

    /** The kind named in the pods' controller references. */
    public String kind() {
        return kind;
    }

    /** The controller's name (workqueue, logs). */
    public String controllerName() {
        return controllerName;
    }

    /** The selector; null when the owner has none. */
    abstract LabelSelector selector(T owner);

    abstract PodTemplateSpec template(T owner);

    /** spec.replicas, 1 when unset. */
    abstract int replicas(T owner);

    /** spec.minReadySeconds, 0 when unset. */
    abstract int minReadySeconds(T owner);

    /** The status as a ReplicaSet's, or null when there is none. */
    abstract ReplicaSetStatus status(T owner);

    /** A copy of the owner with this status, for the status subresource. */
    abstract T withStatus(T owner, ReplicaSetStatus status);

    private static int orDefault(Integer value, int otherwise) {
        return value == null ? otherwise : value;
    }

    private static final class ReplicaSets extends ReplicaOwnerKind<ReplicaSet> {

        ReplicaSets() {
            super(ReplicaSet.class, "ReplicaSet", "replicaset");
        }

        @Override
        LabelSelector selector(ReplicaSet rs) {
            return spec(rs).getSelector();
        }

        @Override
        PodTemplateSpec template(ReplicaSet rs) {
            return spec(rs).getTemplate();
        }

        @Override
        int replicas(ReplicaSet rs) {
            return orDefault(spec(rs).getReplicas(), 1);
        }

        @Override
        int minReadySeconds(ReplicaSet rs) {
            return orDefault(spec(rs).getMinReadySeconds(), 0);
        }

        @Override
        ReplicaSetStatus status(ReplicaSet rs) {
            return rs.getStatus();
        }

        @Override
        ReplicaSet withStatus(ReplicaSet rs, ReplicaSetStatus status) {
            return new ReplicaSetBuilder(rs).withStatus(status).build();
        }

        private static ReplicaSetSpec spec(ReplicaSet rs) {
            return rs.getSpec() == null ? new ReplicaSetSpec() : rs.getSpec();
        }
    }

    private static final class ReplicationControllers extends ReplicaOwnerKind<ReplicationController> {

        ReplicationControllers() {
            super(ReplicationController.class, "ReplicationController", "replicationcontroller");
        }

        @Override
        LabelSelector selector(ReplicationController rc) {
            return spec(rc).getSelector() == null ? null : new LabelSelectorBuilder().withMatchLabels(spec(rc).getSelector()).build();
        }

        @Override
        PodTemplateSpec template(ReplicationController rc) {
            return spec(rc).getTemplate();
        }

        @Override
        int replicas(ReplicationController rc) {
            return orDefault(spec(rc).getReplicas(), 1);
        }

        @Override
        int minReadySeconds(ReplicationController rc) {
            return orDefault(spec(rc).getMinReadySeconds(), 0);
        }

        @Override
        ReplicaSetStatus status(ReplicationController rc) {
            ReplicationControllerStatus s = rc.getStatus();
            if (s == null) {
                return null;
            }
            return new ReplicaSetStatusBuilder().withReplicas(s.getReplicas()).withFullyLabeledReplicas(s.getFullyLabeledReplicas())
                    .withReadyReplicas(s.getReadyReplicas()).withAvailableReplicas(s.getAvailableReplicas())
                    .withObservedGeneration(s.getObservedGeneration())
                    .withConditions(convert(s.getConditions(), c -> new ReplicaSetConditionBuilder().withType(c.getType())
                            .withStatus(c.getStatus()).withReason(c.getReason()).withMessage(c.getMessage())
                            .withLastTransitionTime(c.getLastTransitionTime()).build()))
                    .build();
        }

        @Override
        ReplicationController withStatus(ReplicationController rc, ReplicaSetStatus s) {
            ReplicationControllerStatus status = new ReplicationControllerStatusBuilder().withReplicas(s.getReplicas())
                    .withFullyLabeledReplicas(s.getFullyLabeledReplicas()).withReadyReplicas(s.getReadyReplicas())
                    .withAvailableReplicas(s.getAvailableReplicas()).withObservedGeneration(s.getObservedGeneration())
                    .withConditions(convert(s.getConditions(), c -> new ReplicationControllerConditionBuilder().withType(c.getType())
                            .withStatus(c.getStatus()).withReason(c.getReason()).withMessage(c.getMessage())
                            .withLastTransitionTime(c.getLastTransitionTime()).build()))
                    .build();
            return new ReplicationControllerBuilder(rc).withStatus(status).build();
        }

        private static ReplicationControllerSpec spec(ReplicationController rc) {
            return rc.getSpec() == null ? new ReplicationControllerSpec() : rc.getSpec();
        }

        private static <A, B> List<B> convert(List<A> list, Function<A, B> each) {
            return list == null ? null : list.stream().map(each).toList();
        }
    }
}
