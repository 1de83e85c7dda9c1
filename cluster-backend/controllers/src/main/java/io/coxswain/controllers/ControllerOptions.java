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
 */
public record ControllerOptions(int workers, Duration nodeMonitorGrace, Duration podEvictionTimeout, SigningFiles clusterSigning,
                                Duration signingDuration) {

    /** The CA's certificate and key, PEM files. */
    public record SigningFiles(Path certFile, Path keyFile) {
    }

    public static ControllerOptions defaults() {
        return new ControllerOptions(5, Duration.ofSeconds(50), Duration.ofSeconds(300), null, Duration.ofDays(365));
    }

    public ControllerOptions withNodeMonitorGrace(Duration grace) {
        return new ControllerOptions(workers, grace, podEvictionTimeout, clusterSigning, signingDuration);
    }

    public ControllerOptions withPodEvictionTimeout(Duration timeout) {
        return new ControllerOptions(workers, nodeMonitorGrace, timeout, clusterSigning, signingDuration);
    }

    public ControllerOptions withClusterSigning(Path certFile, Path keyFile, Duration duration) {
        return new ControllerOptions(workers, nodeMonitorGrace, podEvictionTimeout,
                certFile == null || keyFile == null ? null : new SigningFiles(certFile, keyFile), duration);
    }
}
