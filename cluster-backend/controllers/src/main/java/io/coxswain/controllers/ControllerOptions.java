package io.coxswain.controllers;

import java.time.Duration;

/**
 * The controllers' settings, with kube-controller-manager's defaults; tests shorten the durations.
 *
 * @param workers            workers per controller
 * @param nodeMonitorGrace   a node whose Lease is older than this becomes NotReady/Unknown (50 s)
 * @param podEvictionTimeout how long pods tolerate not-ready/unreachable nodes by default (300 s)
 * @param clusterCidr        the range that node IPAM cuts every node's podCIDR from; null allocates none
 *                           ({@code --allocate-node-cidrs=false})
 * @param nodeCidrMaskSize   the prefix length of each node's podCIDR (24)
 */
public record ControllerOptions(int workers, Duration nodeMonitorGrace, Duration podEvictionTimeout, String clusterCidr,
                                int nodeCidrMaskSize) {

    public static final String DEFAULT_CLUSTER_CIDR = "10.244.0.0/16";

    public static ControllerOptions defaults() {
        return new ControllerOptions(5, Duration.ofSeconds(50), Duration.ofSeconds(300), DEFAULT_CLUSTER_CIDR, 24);
    }

    public ControllerOptions withNodeMonitorGrace(Duration grace) {
        return new ControllerOptions(workers, grace, podEvictionTimeout, clusterCidr, nodeCidrMaskSize);
    }

    public ControllerOptions withPodEvictionTimeout(Duration timeout) {
        return new ControllerOptions(workers, nodeMonitorGrace, timeout, clusterCidr, nodeCidrMaskSize);
    }

    /** Node IPAM over {@code cidr} in blocks of {@code maskSize}; a null {@code cidr} turns it off. */
    public ControllerOptions withNodeCidrs(String cidr, int maskSize) {
        return new ControllerOptions(workers, nodeMonitorGrace, podEvictionTimeout, cidr, maskSize);
    }
}
