package io.coxswain.kubelet.hollow;

import java.time.Duration;
import java.util.Map;

/**
 * The settings of a set of hollow nodes. The defaults are Kubernetes's where it has one: the Lease renewed every
 * 10 s with a 40 s duration, 110 pods a node. Each node gets 4 cpu and 16Gi; a pod starts 0-100 ms after it
 * is first seen. Tests shorten the renew interval.
 *
 * @param nodes                   how many nodes, named {@code <prefix>-0} to {@code <prefix>-(nodes-1)}
 * @param labels                  labels of every node besides kubernetes.io/hostname, os and arch, and {@code type=hollow}
 * @param leaseRenewInterval      every node's Lease is renewed once per interval; the renewals of all nodes are
 *                                spread evenly over it
 * @param maxStartDelay           a pod turns Running after a random delay up to this
 * @param registrationConcurrency registrations in flight at once
 * @param heartbeatThreads        threads renewing Leases (and re-posting node status)
 * @param podWorkers              threads writing pod status and deleting pods
 */
public record HollowOptions(int nodes, String prefix, long cpuMillis, long memoryBytes, int maxPods, Map<String, String> labels,
                            Duration leaseRenewInterval, Duration leaseDuration, Duration maxStartDelay,
                            int registrationConcurrency, int heartbeatThreads, int podWorkers) {

    /** Pod IPs are 10.(128 + i / 256).(i % 256).(1-254) for node i, so there can be up to 32,768 nodes. */
    public static final int MAX_NODES = 128 * 256;

    public HollowOptions {
        if (nodes < 0 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("hollow nodes must number 0 to " + MAX_NODES + ", not " + nodes);
        }
        if (leaseRenewInterval.isNegative() || leaseRenewInterval.isZero()) {
            throw new IllegalArgumentException("the lease renew interval must be positive");
        }
        labels = Map.copyOf(labels);
    }

    public static HollowOptions defaults(int nodes) {
        return new HollowOptions(nodes, "hollow", 4_000, 16L << 30, 110, Map.of(), Duration.ofSeconds(10),
                Duration.ofSeconds(40), Duration.ofMillis(100), 16, 16, 8);
    }

    public HollowOptions withPrefix(String prefix) {
        return new HollowOptions(nodes, prefix, cpuMillis, memoryBytes, maxPods, labels, leaseRenewInterval, leaseDuration,
                maxStartDelay, registrationConcurrency, heartbeatThreads, podWorkers);
    }

    /** The renew interval and the Lease's duration, e.g. 2 s and 8 s in a test. */
    public HollowOptions withLease(Duration renewInterval, Duration duration) {
        return new HollowOptions(nodes, prefix, cpuMillis, memoryBytes, maxPods, labels, renewInterval, duration,
                maxStartDelay, registrationConcurrency, heartbeatThreads, podWorkers);
    }

    public HollowOptions withMaxStartDelay(Duration delay) {
        return new HollowOptions(nodes, prefix, cpuMillis, memoryBytes, maxPods, labels, leaseRenewInterval, leaseDuration,
                delay, registrationConcurrency, heartbeatThreads, podWorkers);
    }

    public HollowOptions withThreads(int registrationConcurrency, int heartbeatThreads, int podWorkers) {
        return new HollowOptions(nodes, prefix, cpuMillis, memoryBytes, maxPods, labels, leaseRenewInterval, leaseDuration,
                maxStartDelay, registrationConcurrency, heartbeatThreads, podWorkers);
    }

    public String nodeName(int index) {
        return prefix + "-" + index;
    }

    /** The index of the hollow node with this name, or -1 if it is not one of them. */
    public int nodeIndex(String nodeName) {
        if (nodeName == null || nodeName.length() <= prefix.length() + 1 || !nodeName.startsWith(prefix)
                || nodeName.charAt(prefix.length()) != '-') {
            return -1;
        }
        int index = 0;
        for (int i = prefix.length() + 1; i < nodeName.length(); i++) {
            char c = nodeName.charAt(i);
            if (c < '0' || c > '9' || index > MAX_NODES) {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        boolean canonical = nodeName.length() == prefix.length() + 2 || nodeName.charAt(prefix.length() + 1) != '0';
        return canonical && index < nodes ? index : -1;
    }
}
