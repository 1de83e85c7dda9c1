package io.coxswain.launcher;

import io.coxswain.kubelet.KubeletOptions;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

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

    @Option(names = "--pod-network-subnet", defaultValue = "10.244.0.0/16", description = "the Docker bridge network for pods (default ${DEFAULT-VALUE})")
    String podSubnet;

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

    KubeletOptions kubeletOptions(Path rootDir) {
        KubeletOptions defaults = KubeletOptions.defaults(nodeName(), rootDir);
        return new KubeletOptions(defaults.nodeName(), nodeIp, rootDir, kubeletPort, defaults.cpuMillis(), defaults.memoryBytes(),
                defaults.maxPods(), defaults.labels(), java.time.Duration.ofSeconds(statusSeconds), defaults.leaseDuration(), defaults.backoffBase(),
                defaults.backoffMax(), defaults.backoffReset(), defaults.relistInterval(), allowHostPath, defaults.sandboxImage());
    }
}
