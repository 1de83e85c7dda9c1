package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.registry.ResourceStrategy;

/**
 * Pod's graceful deletion, as kube's pod strategy CheckGracefulDelete: a pod on a node lingers with a deletionTimestamp
 * for its grace period (the request's, else {@code terminationGracePeriodSeconds}, default 30) so that its kubelet
 * stops the containers and then removes it; a pod that no node runs, or that has finished, goes at once. On create, the
 * server's mutating admission of pods (the ServiceAccount plugin's) runs, when there is one.
 */
public final class PodStrategy implements ResourceStrategy {

    private final java.util.function.Consumer<ObjectNode> admission;

    public PodStrategy() {
        this(null);
    }

    /** @param admission run on every pod being created, after the defaults and before the schemas; null for none */
    public PodStrategy(java.util.function.Consumer<ObjectNode> admission) {
        this.admission = admission;
    }

    @Override
    public void prepareForCreate(ObjectNode pod, io.coxswain.apiserver.auth.UserInfo user) {
        if (admission != null) {
            admission.accept(pod);
        }
    }

    @Override
    public long gracePeriod(ObjectNode pod, Long requested) {
        long grace = requested != null ? Math.max(0, requested) : pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
        if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
            return 0;
        }
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed") ? 0 : grace;
    }
}
