package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/** The node reports Ready; kube-scheduler gets this from the not-ready taint, we also check the condition. */
public final class NodeReady implements FilterPlugin {

    @Override
    public String name() {
        return "NodeReady";
    }

    @Override
    public String filter(PodInfo pod, NodeInfo node) {
        return node.ready() ? null : "node(s) were not ready";
    }
}
