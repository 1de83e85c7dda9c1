package io.coxswain.kubelet;

import java.nio.file.Path;
import java.util.List;

/**
 * The kubelet's --cluster-dns and --cluster-domain, and the host's resolv.conf that dnsPolicy Default copies (and
 * ClusterFirst takes its search domains from).
 *
 * @param clusterDns the cluster DNS addresses; empty: ClusterFirst pods get the host's resolvers, as kube's kubelet does
 */
public record PodDnsConfig(List<String> clusterDns, String clusterDomain, Path hostResolvConf) {

    public static final String DEFAULT_DOMAIN = "cluster.local";

    public PodDnsConfig {
        clusterDns = List.copyOf(clusterDns);
        clusterDomain = clusterDomain == null || clusterDomain.isBlank() ? DEFAULT_DOMAIN : clusterDomain.replaceAll("\\.$", "");
    }

    public static PodDnsConfig defaults() {
        return new PodDnsConfig(List.of(), DEFAULT_DOMAIN, Path.of("/etc/resolv.conf"));
    }

    public PodDnsConfig withClusterDns(List<String> servers) {
        return new PodDnsConfig(servers, clusterDomain, hostResolvConf);
    }

    public PodDnsConfig withClusterDomain(String domain) {
        return new PodDnsConfig(clusterDns, domain, hostResolvConf);
    }
}
