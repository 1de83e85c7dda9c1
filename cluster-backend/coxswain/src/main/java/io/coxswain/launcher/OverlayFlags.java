package io.coxswain.launcher;

import io.coxswain.network.OverlayAgent;
import io.coxswain.network.OverlayMode;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The overlay agent's own flags, shared by {@code coxswain overlay} and {@code coxswain node}; the cluster CIDR is the command's. */
final class OverlayFlags {

    @Option(names = "--iface", description = "the interface (or one of its addresses) that reaches the other nodes")
    String iface;

    @Option(names = "--mode", defaultValue = "vxlan", description = "vxlan, or host-gw for nodes on one L2 segment (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--ip-masq", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "masquerade pods' traffic that leaves the cluster CIDR, as flannel's --ip-masq (default ${DEFAULT-VALUE})")
    boolean ipMasq;

    @Option(names = "--resync-seconds", defaultValue = "30", description = "full resync period (default ${DEFAULT-VALUE})")
    long resyncSeconds;

    /** The agent's options; {@code --iface} is needed, and its absence is the caller's clear error. */
    OverlayAgent.Options options(String nodeName, String clusterCidr) {
        if (iface == null || iface.isBlank()) {
            throw new IllegalArgumentException("--iface is required: the interface (or one of its addresses) that reaches the other nodes");
        }
        return OverlayAgent.Options.of(nodeName, iface, OverlayMode.parse(mode)).withResync(Duration.ofSeconds(resyncSeconds))
                .withMasquerade(ipMasq ? clusterCidr : null);
    }
}
