package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/**
 * The default spreading of kube-scheduler: pods of one owner (a ReplicaSet, a Job) prefer the nodes that hold
 * fewer of them, so that one node going down takes as few of them as it can.
 */
public final class OwnerSpread implements ScorePlugin {

    @Override
    public String name() {
        return "PodTopologySpread";
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        return node.podsOfOwner(pod.ownerUid());
    }

    /** As SelectorSpread: the node with the most of the owner's pods scores 0, one with none 100. */
    @Override
    public void normalize(long[] counts) {
        long max = 0;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] = max == 0 ? 100 : (max - counts[i]) * 100 / max;
        }
    }
}
