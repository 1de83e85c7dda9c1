package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/** A hostPort can be taken by one pod of a node only. */
public final class NodePorts implements FilterPlugin {

    @Override
    public String name() {
        return "NodePorts";
    }

    @Override
    public String filter(PodInfo pod, NodeInfo node) {
        for (PodInfo.HostPort p : pod.hostPorts()) {
            if (node.portInUse(p)) {
                return "node(s) didn't have free ports for the requested pod ports";
            }
        }
        return null;
    }
}
