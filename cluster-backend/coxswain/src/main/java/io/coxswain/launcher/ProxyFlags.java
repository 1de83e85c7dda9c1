package io.coxswain.launcher;

import io.coxswain.proxy.ProxyOptions;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** kube-proxy's own flags, shared by {@code coxswain proxy} and {@code coxswain node}; the cluster CIDR is the command's. */
final class ProxyFlags {

    @Option(names = "--service-cluster-ip-range", defaultValue = ProxyOptions.DEFAULT_SERVICE_CIDR,
            description = "the Service range, routed to lo (default ${DEFAULT-VALUE})")
    String serviceRange;

    @Option(names = "--nodeport-range", defaultValue = "30000-32767", description = "NodePorts to program (default ${DEFAULT-VALUE})")
    String nodePortRange;

    @Option(names = "--sync-period-seconds", defaultValue = "30", description = "full resync period (default ${DEFAULT-VALUE})")
    long syncPeriodSeconds;

    @Option(names = "--chain-prefix", defaultValue = "KUBE", description = "prefix of the chains it owns (default ${DEFAULT-VALUE})")
    String chainPrefix;

    @Option(names = "--manage-local-route", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "add 'local <range> dev lo table local' when missing (default ${DEFAULT-VALUE})")
    boolean manageLocalRoute;

    @Option(names = "--localhost-nodeports", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "NodePorts also answer on 127.0.0.1 (sets route_localnet; default ${DEFAULT-VALUE})")
    boolean localhostNodePorts;

    ProxyOptions options(String nodeName, List<String> nodeIps, String clusterCidr) {
        String[] range = nodePortRange.split("-");
        return ProxyOptions.defaults(nodeName)
                .withNodeIps(nodeIps).withServiceCidr(serviceRange).withClusterCidr(clusterCidr)
                .withNodePortRange(Integer.parseInt(range[0].trim()), Integer.parseInt(range[1].trim()))
                .withSyncPeriod(Duration.ofSeconds(syncPeriodSeconds), Duration.ofMillis(100))
                .withChainPrefix(chainPrefix).withManageLocalRoute(manageLocalRoute).withLocalhostNodePorts(localhostNodePorts);
    }
}
