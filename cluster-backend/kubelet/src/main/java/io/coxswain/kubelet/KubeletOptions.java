package io.coxswain.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A kubelet's settings. The defaults are Kubernetes's: status every 10 s, a 40 s Lease, 110 pods, restart back-off
 * from 10 s doubling to 300 s and reset after 10 minutes of good running. Tests shorten the durations. {@code podCidr}
 * is the kubelet's --pod-cidr: the Node's spec.podCIDR at registration where no controller allocates one (null: the
 * kubelet waits for node IPAM's). {@code dns} is what pods' resolv.conf and /etc/hosts are written from.
 */
public record KubeletOptions(String nodeName, String nodeIp, Path rootDir, int serverPort, long cpuMillis,
                             long memoryBytes, int maxPods, Map<String, String> labels, Duration statusInterval,
                             Duration leaseDuration, Duration backoffBase, Duration backoffMax, Duration backoffReset,
                             Duration relistInterval, boolean allowHostPath, String sandboxImage, String podCidr,
                             PodDnsConfig dns) {

    public static KubeletOptions defaults(String nodeName, Path rootDir) {
        return new KubeletOptions(nodeName, "127.0.0.1", rootDir, 10250,
                Runtime.getRuntime().availableProcessors() * 1000L, hostMemory(), 110, Map.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofSeconds(10), Duration.ofSeconds(300),
                Duration.ofMinutes(10), Duration.ofSeconds(1), false, "coxswain/pause:1", null, PodDnsConfig.defaults());
    }

    public KubeletOptions withServerPort(int port) {
        return new KubeletOptions(nodeName, nodeIp, rootDir, port, cpuMillis, memoryBytes, maxPods, labels, statusInterval,
                leaseDuration, backoffBase, backoffMax, backoffReset, relistInterval, allowHostPath, sandboxImage, podCidr, dns);
    }

    public KubeletOptions withBackoff(Duration base, Duration max) {
        return new KubeletOptions(nodeName, nodeIp, rootDir, serverPort, cpuMillis, memoryBytes, maxPods, labels, statusInterval,
                leaseDuration, base, max, backoffReset, relistInterval, allowHostPath, sandboxImage, podCidr, dns);
    }

    public KubeletOptions withStatusInterval(Duration interval) {
        return new KubeletOptions(nodeName, nodeIp, rootDir, serverPort, cpuMillis, memoryBytes, maxPods, labels, interval,
                leaseDuration, backoffBase, backoffMax, backoffReset, relistInterval, allowHostPath, sandboxImage, podCidr, dns);
    }

    public KubeletOptions withAllowHostPath(boolean allow) {
        return new KubeletOptions(nodeName, nodeIp, rootDir, serverPort, cpuMillis, memoryBytes, maxPods, labels, statusInterval,
                leaseDuration, backoffBase, backoffMax, backoffReset, relistInterval, allow, sandboxImage, podCidr, dns);
    }

    public KubeletOptions withCapacity(long cpuMillis, long memoryBytes, int maxPods) {
        return new KubeletOptions(nodeName, nodeIp, rootDir, serverPort, cpuMillis, memoryBytes, maxPods, labels, statusInterval,
                leaseDuration, backoffBase, backoffMax, backoffReset, relistInterval, allowHostPath, sandboxImage, podCidr, dns);
    }

    public KubeletOptions withPodCidr(String cidr) {
        return new KubeletOptions(nodeName, nodeIp, rootDir, serverPort, cpuMillis, memoryBytes, maxPods, labels, statusInterval,
                leaseDuration, backoffBase, backoffMax, backoffReset, relistInterval, allowHostPath, sandboxImage, cidr, dns);
    }

    public KubeletOptions withDns(PodDnsConfig dnsConfig) {
        return new KubeletOptions(nodeName, nodeIp, rootDir, serverPort, cpuMillis, memoryBytes, maxPods, labels, statusInterval,
                leaseDuration, backoffBase, backoffMax, backoffReset, relistInterval, allowHostPath, sandboxImage, podCidr, dnsConfig);
    }

    private static long hostMemory() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return 8L << 30;
    }
}
