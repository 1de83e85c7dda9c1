package io.coxswain.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link KubeProxy} programs its node.
 *
 * @param nodeName           the node this proxy runs on
 * @param nodeIps            the addresses on which NodePorts answer; empty means every local address outside the
 *                           service range
 * @param serviceCidr        the Service cluster IP range (default 10.96.0.0/16); it is routed to {@code lo} and
 *                           refused unless a service rule matched
 * @param nodePortMin        the lowest NodePort programmed (default 30000)
 * @param nodePortMax        the highest NodePort programmed (default 32767)
 * @param syncPeriod         how often the whole rule set is rewritten even without a change (default 30 s)
 * @param minSyncInterval    how long changes are gathered before a sync (default 100 ms)
 * @param chainPrefix        the prefix of every chain this proxy owns (default {@code KUBE}); 1 to 7 characters of
 *                           A-Z, 0-9, so that {@code PREFIX-SVC-<16 chars>} fits iptables' 28
 * @param manageLocalRoute   whether to add {@code local <serviceCidr> dev lo table local} when it is missing
 * @param localhostNodePorts whether NodePorts also answer on 127.0.0.1 (sets {@code net.ipv4.conf.all.route_localnet=1})
 * @param clusterCidr        the pods' range across the cluster (kube-proxy's {@code --cluster-cidr}), or null: traffic
 *                           from it to an {@code externalTrafficPolicy: Local} NodePort may go to any endpoint
 */
public record ProxyOptions(String nodeName, List<String> nodeIps, String serviceCidr, int nodePortMin, int nodePortMax,
                           Duration syncPeriod, Duration minSyncInterval, String chainPrefix, boolean manageLocalRoute,
                           boolean localhostNodePorts, String clusterCidr) {

    public static final String DEFAULT_SERVICE_CIDR = "10.96.0.0/16";
    private static final Pattern PREFIX = Pattern.compile("[A-Z0-9]{1,7}");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}");

    public ProxyOptions {
        Objects.requireNonNull(nodeName, "nodeName");
        nodeIps = List.copyOf(nodeIps);
        if (!CIDR.matcher(serviceCidr).matches()) {
            throw new IllegalArgumentException("service range " + serviceCidr + " is not an IPv4 CIDR");
        }
        if (nodePortMin < 1 || nodePortMax > 65535 || nodePortMin > nodePortMax) {
            throw new IllegalArgumentException("bad NodePort range " + nodePortMin + "-" + nodePortMax);
        }
        if (!PREFIX.matcher(chainPrefix).matches()) {
            throw new IllegalArgumentException("chain prefix " + chainPrefix + " must be 1 to 7 characters of A-Z and 0-9");
        }
        if (clusterCidr != null && !CIDR.matcher(clusterCidr).matches()) {
            throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " is not an IPv4 CIDR");
        }
        if (syncPeriod.isNegative() || syncPeriod.isZero() || minSyncInterval.isNegative()) {
            throw new IllegalArgumentException("sync period must be positive and the minimum sync interval not negative");
        }
    }

    /** KUBE chains, 10.96.0.0/16, NodePorts 30000-32767 on every local address and on 127.0.0.1, resync every 30 s. */
    public static ProxyOptions defaults(String nodeName) {
        return new ProxyOptions(nodeName, List.of(), DEFAULT_SERVICE_CIDR, 30000, 32767, Duration.ofSeconds(30),
                Duration.ofMillis(100), "KUBE", true, true, null);
    }

    public ProxyOptions withNodeIps(List<String> ips) {
        return new ProxyOptions(nodeName, ips, serviceCidr, nodePortMin, nodePortMax, syncPeriod, minSyncInterval,
                chainPrefix, manageLocalRoute, localhostNodePorts, clusterCidr);
    }

    public ProxyOptions withServiceCidr(String cidr) {
        return new ProxyOptions(nodeName, nodeIps, cidr, nodePortMin, nodePortMax, syncPeriod, minSyncInterval,
                chainPrefix, manageLocalRoute, localhostNodePorts, clusterCidr);
    }

    public ProxyOptions withNodePortRange(int min, int max) {
        return new ProxyOptions(nodeName, nodeIps, serviceCidr, min, max, syncPeriod, minSyncInterval,
                chainPrefix, manageLocalRoute, localhostNodePorts, clusterCidr);
    }

    public ProxyOptions withSyncPeriod(Duration period, Duration minInterval) {
        return new ProxyOptions(nodeName, nodeIps, serviceCidr, nodePortMin, nodePortMax, period, minInterval,
                chainPrefix, manageLocalRoute, localhostNodePorts, clusterCidr);
    }

    public ProxyOptions withChainPrefix(String prefix) {
        return new ProxyOptions(nodeName, nodeIps, serviceCidr, nodePortMin, nodePortMax, syncPeriod, minSyncInterval,
                prefix, manageLocalRoute, localhostNodePorts, clusterCidr);
    }

    public ProxyOptions withManageLocalRoute(boolean manage) {
        return new ProxyOptions(nodeName, nodeIps, serviceCidr, nodePortMin, nodePortMax, syncPeriod, minSyncInterval,
                chainPrefix, manage, localhostNodePorts, clusterCidr);
    }

    public ProxyOptions withLocalhostNodePorts(boolean enabled) {
        return new ProxyOptions(nodeName, nodeIps, serviceCidr, nodePortMin, nodePortMax, syncPeriod, minSyncInterval,
                chainPrefix, manageLocalRoute, enabled, clusterCidr);
    }

    public ProxyOptions withClusterCidr(String cidr) {
        return new ProxyOptions(nodeName, nodeIps, serviceCidr, nodePortMin, nodePortMax, syncPeriod, minSyncInterval,
                chainPrefix, manageLocalRoute, localhostNodePorts, cidr);
    }
}
