package io.coxswain.controllers;

import java.time.Duration;

/**
 * The controllers' settings, with kube-controller-manager's defaults; tests shorten the durations.
 *
 * @param workers            workers per controller
 * @param nodeMonitorGrace   a node whose Lease is older than this becomes NotReady/Unknown (50 s)
 * @param podEvictionTimeout how long pods tolerate not-ready/unreachable nodes by default (300 s)
 */
public record ControllerOptions(int workers, Duration nodeMonitorGrace, Duration podEvictionTimeout) {

    public static ControllerOptions defaults() {
        return new ControllerOptions(5, Duration.ofSeconds(50), Duration.ofSeconds(300));
    }

    public ControllerOptions withNodeMonitorGrace(Duration grace) {
        return new ControllerOptions(workers, grace, podEvictionTimeout);
    }

    public ControllerOptions withPodEvictionTimeout(Duration timeout) {
        return new ControllerOptions(workers, nodeMonitorGrace, timeout);
    }
}
