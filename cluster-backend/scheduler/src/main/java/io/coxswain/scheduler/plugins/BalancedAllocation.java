package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/** NodeResourcesBalancedAllocation: cpu and memory used in the same proportion score best. */
public final class BalancedAllocation implements ScorePlugin {

    @Override
    public String name() {
        return "NodeResourcesBalancedAllocation";
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        double cpu = fraction(node.requestedCpu() + pod.cpuMillis(), node.allocatableCpu());
        double mem = fraction(node.requestedMemory() + pod.memoryBytes(), node.allocatableMemory());
        // the standard deviation of two fractions is half their difference
        double std = Math.abs(cpu - mem) / 2;
        return (long) ((1 - std) * 100);
    }

    private static double fraction(long requested, long allocatable) {
        return allocatable <= 0 ? 1 : Math.min(1, (double) requested / allocatable);
    }
}
