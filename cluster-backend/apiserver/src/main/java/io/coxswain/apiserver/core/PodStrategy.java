package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.registry.ResourceStrategy;

/**
 * Pod's graceful deletion, as kube's pod strategy CheckGracefulDelete: a pod on a node lingers with a deletionTimestamp
 * for its grace period (the request's, else {@code terminationGracePeriodSeconds}, default 30) so that its kubelet
 * stops the containers and then removes it; a pod that no node runs, or that has finished, goes at once.
 */
public final class PodStrategy implements ResourceStrategy {

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
