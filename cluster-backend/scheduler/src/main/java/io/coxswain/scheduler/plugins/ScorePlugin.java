package io.coxswain.scheduler.plugins;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;

/** A Score extension point: how good a feasible node is for the pod, from 0 to 100. */
public interface ScorePlugin {

    String name();

    long score(PodInfo pod, NodeInfo node);

    /** Turns raw scores of every feasible node into 0..100, when a plugin's raw score is relative. */
    default void normalize(long[] scores) {
    }
}
