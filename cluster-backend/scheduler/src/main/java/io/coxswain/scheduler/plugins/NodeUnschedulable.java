package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;
import io.fabric8.kubernetes.api.model.TaintBuilder;

/** A cordoned node takes no new pods, unless they tolerate node.kubernetes.io/unschedulable. */
public final class NodeUnschedulable implements FilterPlugin {

    private static final io.fabric8.kubernetes.api.model.Taint CORDON =
            new TaintBuilder().withKey("node.kubernetes.io/unschedulable").withEffect("NoSchedule").build();

    @Override
    public String name() {
        return "NodeUnschedulable";
    }

    @Override
    public String filter(PodInfo pod, NodeInfo node) {
        if (!node.unschedulable() || TaintToleration.tolerated(pod, CORDON)) {
            return null;
        }
        return "node(s) were unschedulable";
    }
}
