package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/** A Filter extension point: whether the pod may go to the node at all. */
public interface FilterPlugin {

    String name();

    /** Null when the node fits, else the reason as kube-scheduler words it ("Insufficient cpu"). */
    String filter(PodInfo pod, NodeInfo node);
}
