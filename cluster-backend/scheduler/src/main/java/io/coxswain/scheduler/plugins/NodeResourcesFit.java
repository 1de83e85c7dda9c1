package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/** cpu, memory and the pod count must fit within what the node has allocatable, less what is placed there. */
public final class NodeResourcesFit implements FilterPlugin {

    @Override
    public String name() {
        return "NodeResourcesFit";
    }

    @Override
    public String filter(PodInfo pod, NodeInfo node) {
        if (node.pods() + 1 > node.allocatablePods()) {
            return "Too many pods";
        }
        if (pod.cpuMillis() > 0 && node.requestedCpu() + pod.cpuMillis() > node.allocatableCpu()) {
            return "Insufficient cpu";
        }
        if (pod.memoryBytes() > 0 && node.requestedMemory() + pod.memoryBytes() > node.allocatableMemory()) {
            return "Insufficient memory";
        }
        return null;
    }
}
