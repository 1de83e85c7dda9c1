package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/** NodeResourcesFit's LeastAllocated strategy: the more cpu and memory left after placing the pod, the better. */
public final class LeastAllocated implements ScorePlugin {

    @Override
    public String name() {
        return "NodeResourcesLeastAllocated";
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        return (free(node.requestedCpu() + pod.cpuMillis(), node.allocatableCpu())
                + free(node.requestedMemory() + pod.memoryBytes(), node.allocatableMemory())) / 2;
    }

    static long free(long requested, long allocatable) {
        if (allocatable <= 0 || requested > allocatable) {
            return 0;
        }
        return (allocatable - requested) * 100 / allocatable;
    }
}
