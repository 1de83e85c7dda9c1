package io.coxswain.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How cluster DNS serves: the cluster domain, the addresses and port it listens on, its TTL, the upstream resolvers
 * for other names, and whether it makes the raw-table NOTRACK rules that let pods reach it past kube-proxy's rules.
 *
 * @param listen     addresses to bind, UDP and TCP (the kube-dns Service's cluster IP on a node)
 * @param upstreams  where other names go; empty: they get SERVFAIL
 * @param notrackChain the raw-table chain for the NOTRACK rules; null: none
 */
public record DnsOptions(String clusterDomain, List<String> listen, int port, Duration ttl, List<InetSocketAddress> upstreams,
                         Duration upstreamTimeout, String notrackChain) {

    public static final String DEFAULT_DOMAIN = "cluster.local";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    public DnsOptions {
        if (clusterDomain == null || clusterDomain.isBlank()) {
            throw new IllegalArgumentException("the cluster domain is empty");
        }
        clusterDomain = clusterDomain.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.$", "");
        listen = List.copyOf(listen);
        upstreams = List.copyOf(upstreams);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("DNS port " + port + " is not a port (0-65535)");
        }
        if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("DNS TTL " + ttl + " is out of range");
        }
    }

    /** Port 53 on these addresses, cluster.local, TTL 30 s, the host's resolvers upstream, the NOTRACK rules on. */
    public static DnsOptions defaults(List<String> listen) {
        return new DnsOptions(DEFAULT_DOMAIN, listen, 53, DEFAULT_TTL, ResolvConf.nameservers(ResolvConf.HOST), Duration.ofSeconds(2),
                notrackChainFor(listen));
    }

    /** The raw-table chain of a server on these addresses: one per address, so servers on other addresses keep theirs. */
    public static String notrackChainFor(List<String> listen) {
        return listen.isEmpty() ? null : "CXDNS-" + listen.get(0);
    }

    public DnsOptions withClusterDomain(String domain) {
        return new DnsOptions(domain, listen, port, ttl, upstreams, upstreamTimeout, notrackChain);
    }

    public DnsOptions withPort(int p) {
        return new DnsOptions(clusterDomain, listen, p, ttl, upstreams, upstreamTimeout, notrackChain);
    }

    public DnsOptions withTtl(Duration t) {
        return new DnsOptions(clusterDomain, listen, port, t, upstreams, upstreamTimeout, notrackChain);
    }

    public DnsOptions withUpstreams(List<InetSocketAddress> u) {
        return new DnsOptions(clusterDomain, listen, port, ttl, u, upstreamTimeout, notrackChain);
    }

    public DnsOptions withNotrackChain(String chain) {
        return new DnsOptions(clusterDomain, listen, port, ttl, upstreams, upstreamTimeout, chain);
    }

    /** {@code HOST} or {@code HOST:PORT} (port 53 by default), as --dns-upstream takes them. */
    public static InetSocketAddress upstream(String spec) {
        String s = spec.strip();
        int colon = s.lastIndexOf(':');
        String host = s;
        int p = 53;
        if (colon > 0 && s.indexOf(':') == colon) {
            host = s.substring(0, colon);
            try {
                p = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("DNS upstream " + spec + ": the port is not a number");
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS upstream " + spec + " is not an IP address");
        }
    }

    /**
     * The kube-dns Service's address in a service range: its 10th address (10.96.0.10 in 10.96.0.0/16), as kubeadm
     * picks it.
     */
    public static String clusterDnsAddress(String serviceCidr) {
        String[] parts = serviceCidr.strip().split("/");
        try {
            InetAddress base = InetAddress.getByName(parts[0]);
            if (!(base instanceof Inet4Address) || parts.length != 2) {
                throw new IllegalArgumentException("service range " + serviceCidr + " is not an IPv4 CIDR");
            }
            int prefix = Integer.parseInt(parts[1]);
            if (prefix > 28) {
                throw new IllegalArgumentException("service range " + serviceCidr + " is too small for a DNS address (at most /28)");
            }
            byte[] b = base.getAddress();
            int v = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            int network = prefix == 0 ? 0 : v & (-1 << (32 - prefix));
            int ip = network + 10;
            return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("service range " + serviceCidr + " is not an IPv4 CIDR");
        }
    }

    /** Where the host's resolvers are written. */
    public static Path hostResolvConf() {
        return ResolvConf.HOST;
    }
}
