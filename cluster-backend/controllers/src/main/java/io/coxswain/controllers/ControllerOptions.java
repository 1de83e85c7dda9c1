package io.coxswain.controllers;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The controllers' settings, with kube-controller-manager's defaults; tests shorten the durations.
 *
 * @param workers            workers per controller
 * @param nodeMonitorGrace   a node whose Lease is older than this becomes NotReady/Unknown (50 s)
 * @param podEvictionTimeout how long pods tolerate not-ready/unreachable nodes by default (300 s)
 * @param clusterSigning     the CA csrsigning signs with ({@code --cluster-signing-cert-file}, {@code --cluster-signing-key-file}),
 *                           or null: then no csrsigning controller runs
 * @param signingDuration    the longest certificate csrsigning issues, and the one it issues when a request names
 *                           none ({@code --cluster-signing-duration}, 1 year)
 * @param clusterCidr        the range that node IPAM cuts every node's podCIDR from; null allocates none
 *                           ({@code --allocate-node-cidrs=false})
 * @param nodeCidrMaskSize   the prefix length of each node's podCIDR (24)
 * @param maxEndpointsPerSlice the most endpoints the EndpointSlice controller puts in one slice
 *                           ({@code --max-endpoints-per-slice}, 100)
 * @param rootCa             the PEM CA bundle that verifies the apiserver, published as kube-root-ca.crt in every namespace
 *                           and put into service account token Secrets ({@code --root-ca-file}); null: the client's CA
 * @param serviceAccountKey  the PEM private key legacy service account token Secrets are signed with
 *                           ({@code --service-account-private-key-file}); null: the tokens controller does not run
 */
public record ControllerOptions(int workers, Duration nodeMonitorGrace, Duration podEvictionTimeout, SigningFiles clusterSigning,
                                Duration signingDuration, String clusterCidr, int nodeCidrMaskSize,
                                int maxEndpointsPerSlice, String rootCa, Path serviceAccountKey) {

    public static final String DEFAULT_CLUSTER_CIDR = "10.244.0.0/16";
    public static final int DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

    /** The CA's certificate and key, PEM files. */
    public record SigningFiles(Path certFile, Path keyFile) {
    }

    public static ControllerOptions defaults() {
        return new ControllerOptions(5, Duration.ofSeconds(50), Duration.ofSeconds(300), null, Duration.ofDays(365),
                DEFAULT_CLUSTER_CIDR, 24, DEFAULT_MAX_ENDPOINTS_PER_SLICE, null, null);
    }

    public ControllerOptions withNodeMonitorGrace(Duration grace) {
        return new ControllerOptions(workers, grace, podEvictionTimeout, clusterSigning, signingDuration, clusterCidr, nodeCidrMaskSize,
                maxEndpointsPerSlice, rootCa, serviceAccountKey);
    }

    public ControllerOptions withPodEvictionTimeout(Duration timeout) {
        return new ControllerOptions(workers, nodeMonitorGrace, timeout, clusterSigning, signingDuration, clusterCidr, nodeCidrMaskSize,
                maxEndpointsPerSlice, rootCa, serviceAccountKey);
    }

    public ControllerOptions withClusterSigning(Path certFile, Path keyFile, Duration duration) {
        return new ControllerOptions(workers, nodeMonitorGrace, podEvictionTimeout,
                certFile == null || keyFile == null ? null : new SigningFiles(certFile, keyFile), duration, clusterCidr, nodeCidrMaskSize,
                maxEndpointsPerSlice, rootCa, serviceAccountKey);
    }

    /** Node IPAM over {@code cidr} in blocks of {@code maskSize}; a null {@code cidr} turns it off. */
    public ControllerOptions withNodeCidrs(String cidr, int maskSize) {
        return new ControllerOptions(workers, nodeMonitorGrace, podEvictionTimeout, clusterSigning, signingDuration, cidr, maskSize,
                maxEndpointsPerSlice, rootCa, serviceAccountKey);
    }

    /** Slices of at most {@code max} endpoints (kube accepts 1 to 1000). */
    public ControllerOptions withMaxEndpointsPerSlice(int max) {
        if (max < 1 || max > 1000) {
            throw new IllegalArgumentException("--max-endpoints-per-slice must be between 1 and 1000, not " + max);
        }
        return new ControllerOptions(workers, nodeMonitorGrace, podEvictionTimeout, clusterSigning, signingDuration, clusterCidr,
                nodeCidrMaskSize, max, rootCa, serviceAccountKey);
    }

    /** The CA bundle (PEM) that pods verify the apiserver with. */
    public ControllerOptions withRootCa(String pem) {
        return new ControllerOptions(workers, nodeMonitorGrace, podEvictionTimeout, clusterSigning, signingDuration, clusterCidr,
                nodeCidrMaskSize, maxEndpointsPerSlice, pem, serviceAccountKey);
    }

    /** The private key (PEM file) legacy service account tokens are signed with. */
    public ControllerOptions withServiceAccountKey(Path keyFile) {
        return new ControllerOptions(workers, nodeMonitorGrace, podEvictionTimeout, clusterSigning, signingDuration, clusterCidr,
                nodeCidrMaskSize, maxEndpointsPerSlice, rootCa, keyFile);
    }
}
