package io.coxswain.launcher;

import io.coxswain.dns.DnsOptions;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** Cluster DNS's own flags, shared by {@code coxswain dns}, {@code node} and {@code all-in-one}. */
final class DnsFlags {

    @Option(names = "--dns-upstream", split = ",",
            description = "resolvers for names outside the cluster, IP[:PORT] (default: the nameservers of /etc/resolv.conf)")
    List<String> upstreams;

    @Option(names = "--dns-ttl", defaultValue = "30", description = "TTL of the cluster's records, seconds (default ${DEFAULT-VALUE})")
    long ttlSeconds;

    @Option(names = "--dns-port", defaultValue = "53", description = "the DNS port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--dns-notrack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "raw-table NOTRACK rules for the DNS address, so kube-proxy's rules leave it alone (default ${DEFAULT-VALUE})")
    boolean notrack;

    @Option(names = "--disable-cluster-dns", description = "do not serve cluster DNS here")
    boolean disabled;

    /** The options for a server on these addresses in this cluster domain. */
    DnsOptions options(List<String> listen, String clusterDomain) {
        DnsOptions options = DnsOptions.defaults(listen).withClusterDomain(clusterDomain).withPort(port)
                .withTtl(Duration.ofSeconds(ttlSeconds)).withNotrackChain(notrack ? DnsOptions.notrackChainFor(listen) : null);
        if (upstreams != null && !upstreams.isEmpty()) {
            options = options.withUpstreams(upstreams.stream().map(DnsOptions::upstream).toList());
        }
        return options;
    }
}
