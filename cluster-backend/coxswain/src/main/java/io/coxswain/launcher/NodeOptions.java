package io.coxswain.launcher;

import io.coxswain.kubelet.KubeletOptions;
import io.coxswain.kubelet.cni.CniOptions;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/** A kubelet's flags: its node's name and address, where the engine is, and what the node allows. */
final class NodeOptions {

    @Option(names = "--node-name", description = "the Node's name (default: this host's name)")
    String nodeName;

    @Option(names = "--node-ip", defaultValue = "127.0.0.1",
            description = "the node's InternalIP; the kubelet's log endpoint and hostPorts listen there (default ${DEFAULT-VALUE})")
    String nodeIp;

    @Option(names = "--kubelet-port", defaultValue = "10250", description = "the kubelet's log endpoint (default ${DEFAULT-VALUE}; 0 picks one)")
    int kubeletPort;

    @Option(names = "--docker-host", defaultValue = "unix:///var/run/docker.sock", description = "the Docker engine (default ${DEFAULT-VALUE})")
    String dockerHost;

    @Option(names = "--pod-cidr", description = "this node's pod range, where no controller-manager allocates one "
            + "(--allocate-node-cidrs); the kubelet's --pod-cidr")
    String podCidr;

    @Option(names = "--cni-bin-dir", split = ",", description = "where the CNI plugins are (default /usr/lib/cni,/opt/cni/bin)")
    List<Path> cniBinDirs;

    @Option(names = "--cni-state-dir", description = "libcni's result cache and host-local's addresses (default /var/lib/cni)")
    Path cniStateDir;

    @Option(names = "--pod-masquerade", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "masquerade pods' traffic that leaves this node's pod CIDR (the bridge plugin's ipMasq); "
                    + "off where the overlay agent masquerades what leaves the cluster CIDR (default ${DEFAULT-VALUE})")
    boolean podMasquerade;

    @Option(names = "--pod-mtu", defaultValue = "0", description = "the pods' MTU; 0 for the plugin's default (default ${DEFAULT-VALUE})")
    int podMtu;

    @Option(names = "--node-status-update-frequency", defaultValue = "10",
            description = "seconds between the node's Lease renewals and status reports (default ${DEFAULT-VALUE})")
    int statusSeconds;

    @Option(names = "--allow-host-path", description = "let pods mount hostPath volumes")
    boolean allowHostPath;

    String nodeName() {
        if (nodeName != null) {
            return nodeName;
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (UnknownHostException e) {
            return "coxswain-node";
        }
    }

    @Option(names = "--cluster-dns", split = ",",
            description = "the DNS servers pods with dnsPolicy ClusterFirst use (default: the 10th address of the service range, 10.96.0.10)")
    java.util.List<String> clusterDns;

    @Option(names = "--cluster-domain", defaultValue = "cluster.local", description = "the cluster's DNS domain (default ${DEFAULT-VALUE})")
    String clusterDomain = "cluster.local";

    /** The service range the default --cluster-dns comes from; a command that knows its range sets it. */
    String serviceRange = io.coxswain.proxy.ProxyOptions.DEFAULT_SERVICE_CIDR;

    /** --cluster-dns, else the kube-dns address of the service range. */
    java.util.List<String> clusterDns() {
        return clusterDns != null && !clusterDns.isEmpty() ? clusterDns
                : java.util.List.of(io.coxswain.dns.DnsOptions.clusterDnsAddress(serviceRange));
    }

    KubeletOptions kubeletOptions(Path rootDir) {
        KubeletOptions defaults = KubeletOptions.defaults(nodeName(), rootDir);
        return new KubeletOptions(defaults.nodeName(), nodeIp, rootDir, kubeletPort, defaults.cpuMillis(), defaults.memoryBytes(),
                defaults.maxPods(), defaults.labels(), java.time.Duration.ofSeconds(statusSeconds), defaults.leaseDuration(), defaults.backoffBase(),
                defaults.backoffMax(), defaults.backoffReset(), defaults.relistInterval(), allowHostPath, defaults.sandboxImage(), podCidr,
                new io.coxswain.kubelet.PodDnsConfig(clusterDns(), clusterDomain, Path.of("/etc/resolv.conf")));
    }

    CniOptions cniOptions() {
        CniOptions defaults = CniOptions.defaults();
        return new CniOptions(cniBinDirs == null || cniBinDirs.isEmpty() ? defaults.binDirs() : cniBinDirs,
                cniStateDir == null ? defaults.stateDir() : cniStateDir, podMasquerade, podMtu);
    }
}
