package io.coxswain.proxy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.coxswain.proxy.ServiceEndpoints.Target;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The whole desired rule set of one proxy, computed from Services and EndpointSlices alone, in the style of kube-proxy's
 * iptables mode. Every chain it owns is rewritten in full on each sync, so a service that is gone leaves nothing.
 *
 * <p>nat: {@code P-SERVICES} (hooked from PREROUTING and OUTPUT) jumps per service port to {@code P-SVC-<hash>}, which
 * spreads over {@code P-SEP-<hash>} chains (one per ready endpoint, DNAT) with {@code statistic random} cascades;
 * NodePorts go through {@code P-NODEPORTS}; {@code P-MARK-MASQ} marks and {@code P-POSTROUTING} masquerades what needs
 * it (traffic from the host itself, hairpin, NodePorts).
 * filter: {@code P-SERVICES} and {@code P-EXTERNAL-SERVICES} reject service ports without endpoints at once,
 * {@code P-FIREWALL} refuses service-range traffic that no rule DNATed, {@code P-FORWARD} lets NodePort traffic through.
 */
public final class RuleSet {

    /** The mark bit that asks {@code P-POSTROUTING} to masquerade. */
    static final String MASQ_MARK = "0x4000";
    private static final String REJECT = "-j REJECT --reject-with icmp-port-unreachable";
    private static final String PORTALS = "-m comment --comment \"kubernetes service portals\"";
    private static final String EXTERNAL = "-m comment --comment \"kubernetes externally-visible service portals\"";

    private static final List<String> FIXED_CHAINS = List.of("SERVICES", "NODEPORTS", "POSTROUTING", "MARK-MASQ",
            "EXTERNAL-SERVICES", "FORWARD", "FIREWALL");

    /** A jump from a built-in chain into one of ours; inserted at the top when missing. */
    record Hook(String table, String builtin, String spec, String target) {
        String rule() {
            return "-I " + builtin + " 1 " + spec + " -j " + target;
        }

        boolean presentIn(List<String> rules) {
            return rules.stream().anyMatch(r -> r.startsWith("-A " + builtin + " ") && r.endsWith(" -j " + target));
        }
    }

    private final String prefix;
    private final Set<String> natChains = new LinkedHashSet<>();
    private final List<String> natRules = new ArrayList<>();
    private final Set<String> filterChains = new LinkedHashSet<>();
    private final List<String> filterRules = new ArrayList<>();

    private RuleSet(String prefix) {
        this.prefix = prefix;
    }

    /** The rules for these Services and EndpointSlices; the order is deterministic (services by namespace and name). */
    public static RuleSet compute(Collection<Service> services, Collection<EndpointSlice> slices, ProxyOptions options) {
        RuleSet rules = new RuleSet(options.chainPrefix());
        rules.build(services, ServiceEndpoints.of(slices), options);
        return rules;
    }

    private String chain(String name) {
        return prefix + "-" + name;
    }

    private void build(Collection<Service> services, ServiceEndpoints endpoints, ProxyOptions options) {
        String portals = chain("SERVICES");
        String nodePorts = chain("NODEPORTS");
        String postrouting = chain("POSTROUTING");
        String markMasq = chain("MARK-MASQ");
        natChains.addAll(List.of(portals, nodePorts, postrouting, markMasq));
        filterChains.addAll(List.of(portals, chain("EXTERNAL-SERVICES"), chain("FORWARD"), chain("FIREWALL")));

        nat(postrouting, "-m mark ! --mark " + MASQ_MARK + "/" + MASQ_MARK + " -j RETURN");
        nat(postrouting, "-j MARK --xor-mark " + MASQ_MARK);
        nat(postrouting, "-m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE");
        nat(markMasq, "-j MARK --or-mark " + MASQ_MARK);

        List<Service> sorted = services.stream().filter(RuleSet::hasClusterIp)
                .sorted(Comparator.comparing(RuleSet::key)).toList();
        for (Service service : sorted) {
            for (ServicePort port : service.getSpec().getPorts()) {
                servicePort(service, port, endpoints, options);
            }
        }

        nat(portals, "-m comment --comment \"service addresses get no other NAT\" -d " + options.serviceCidr() + " -j ACCEPT");
        String nodePortsComment = "-m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rules in this chain\" ";
        if (options.nodeIps().isEmpty()) {
            if (!options.localhostNodePorts()) {
                nat(portals, "-d 127.0.0.0/8 -j RETURN");
            }
            nat(portals, nodePortsComment + "-m addrtype --dst-type LOCAL -j " + nodePorts);
        } else {
            List<String> ips = new ArrayList<>(options.nodeIps());
            if (options.localhostNodePorts()) {
                ips.add("127.0.0.1");
            }
            for (String ip : ips) {
                nat(portals, nodePortsComment + "-d " + ip + "/32 -j " + nodePorts);
            }
        }

        String forward = chain("FORWARD");
        filter(forward, "-m comment --comment \"kubernetes forwarding rules\" -m mark --mark " + MASQ_MARK + "/" + MASQ_MARK + " -j ACCEPT");
        String firewall = chain("FIREWALL");
        filter(firewall, "-m comment --comment \"service addresses answer only through service rules\" -d "
                + options.serviceCidr() + " -m conntrack ! --ctstate DNAT " + REJECT);
        if (options.localhostNodePorts()) {
            filter(firewall, "-m comment --comment \"block incoming localnet connections\" ! -s 127.0.0.0/8 -d 127.0.0.0/8"
                    + " -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP");
        }
    }

    /**
     * One service port, with kube-proxy's chains: {@code SVC} spreads over every ready endpoint (or, when none is ready,
     * over those still serving while they terminate), {@code SVL} over those on this node, chosen the same way. The cluster IP goes to SVL when {@code internalTrafficPolicy} is Local, else to SVC. A NodePort
     * goes to SVC, marked for masquerade; with {@code externalTrafficPolicy: Local} it goes through {@code EXT}, which
     * sends pods' and the host's own traffic to SVC and the rest to SVL unmasqueraded, so the pod sees the client's
     * address; with no endpoint on this node that rest is dropped, as kube-proxy drops it.
     */
    private void servicePort(Service service, ServicePort port, ServiceEndpoints endpoints, ProxyOptions options) {
        String protocol = Objects.requireNonNullElse(port.getProtocol(), "TCP");
        String proto = protocol.toLowerCase(Locale.ROOT);
        String portName = key(service) + ":" + Objects.requireNonNullElse(port.getName(), "");
        String clusterIp = service.getSpec().getClusterIP();
        String match = "-p " + proto + " -m " + proto;
        Integer nodePort = port.getNodePort();
        String type = Objects.requireNonNullElse(service.getSpec().getType(), "ClusterIP");
        boolean hasNodePort = (type.equals("NodePort") || type.equals("LoadBalancer")) && nodePort != null
                && nodePort >= options.nodePortMin() && nodePort <= options.nodePortMax();
        boolean internalLocal = "Local".equals(service.getSpec().getInternalTrafficPolicy());
        boolean externalLocal = hasNodePort && "Local".equals(service.getSpec().getExternalTrafficPolicy());
        ServiceEndpoints.Chosen chosen = ServiceEndpoints.choose(
                endpoints.endpoints(key(service), Objects.requireNonNullElse(port.getName(), ""), protocol), options.nodeName());
        List<Target> targets = chosen.cluster();
        List<Target> local = chosen.local();

        if (targets.isEmpty()) {
            filter(chain("SERVICES"), comment(portName + " has no endpoints") + "-d " + clusterIp + "/32 " + match
                    + " --dport " + port.getPort() + " " + REJECT);
            if (hasNodePort) {
                filter(chain("EXTERNAL-SERVICES"), comment(portName + " has no endpoints") + "-m addrtype --dst-type LOCAL "
                        + match + " --dport " + nodePort + " " + REJECT);
            }
            return;
        }
        String svc = chain("SVC-" + hash(portName + proto));
        String svl = chain("SVL-" + hash(portName + proto));
        boolean withSvl = (internalLocal || externalLocal) && !local.isEmpty();
        natChains.add(svc);
        if (withSvl) {
            natChains.add(svl);
        }

        if (!internalLocal) {
            nat(chain("SERVICES"), comment(portName + " cluster IP") + "-d " + clusterIp + "/32 " + match + " --dport "
                    + port.getPort() + " -j " + svc);
        } else if (!local.isEmpty()) {
            nat(chain("SERVICES"), comment(portName + " cluster IP") + "-d " + clusterIp + "/32 " + match + " --dport "
                    + port.getPort() + " -j " + svl);
        } else {
            filter(chain("SERVICES"), comment(portName + " has no local endpoints") + "-d " + clusterIp + "/32 " + match
                    + " --dport " + port.getPort() + " -j DROP");
        }

        if (hasNodePort && !externalLocal) {
            nat(chain("NODEPORTS"), comment(portName) + match + " --dport " + nodePort + " -j " + chain("MARK-MASQ"));
            nat(chain("NODEPORTS"), comment(portName) + match + " --dport " + nodePort + " -j " + svc);
        } else if (externalLocal) {
            String ext = chain("EXT-" + hash(portName + proto));
            natChains.add(ext);
            nat(chain("NODEPORTS"), comment(portName) + match + " --dport " + nodePort + " -j " + ext);
            if (options.clusterCidr() != null) {
                nat(ext, comment("pod traffic for " + portName + " external destinations") + "-s " + options.clusterCidr()
                        + " -j " + svc);
            }
            nat(ext, comment("masquerade LOCAL traffic for " + portName + " external destinations")
                    + "-m addrtype --src-type LOCAL -j " + chain("MARK-MASQ"));
            nat(ext, comment("route LOCAL traffic for " + portName + " external destinations")
                    + "-m addrtype --src-type LOCAL -j " + svc);
            if (!local.isEmpty()) {
                nat(ext, "-j " + svl);
            } else {
                filter(chain("EXTERNAL-SERVICES"), comment(portName + " has no local endpoints") + "-m addrtype --dst-type LOCAL "
                        + match + " --dport " + nodePort + " -j DROP");
            }
        }
        endpointChain(svc, portName, proto, match, targets);
        if (withSvl) {
            endpointChain(svl, portName, proto, match, local);
        }
    }

    /** A chain that spreads over {@code targets} with statistic-random cascades, one SEP chain (DNAT) each. */
    private void endpointChain(String chain, String portName, String proto, String match, List<Target> targets) {
        natChains.add(chain);
        nat(chain, comment(portName + " cluster IP") + "-m addrtype --src-type LOCAL -j " + chain("MARK-MASQ"));
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            String sep = chain("SEP-" + hash(portName + proto + target.address()));
            int left = targets.size() - i;
            String spread = left > 1
                    ? String.format(Locale.ROOT, "-m statistic --mode random --probability %.10f ", 1.0 / left) : "";
            nat(chain, comment(portName + " -> " + target.address()) + spread + "-j " + sep);
            if (natChains.add(sep)) {
                nat(sep, comment(portName) + "-s " + target.ip() + "/32 -j " + chain("MARK-MASQ"));
                nat(sep, comment(portName) + match + " -j DNAT --to-destination " + target.address());
            }
        }
    }

    private static boolean hasClusterIp(Service service) {
        if (service.getSpec() == null || service.getSpec().getPorts() == null) {
            return false;
        }
        String ip = service.getSpec().getClusterIP();
        return !"ExternalName".equals(service.getSpec().getType()) && ip != null && !ip.isEmpty()
                && !ip.equals("None") && !ip.contains(":");
    }

    private static String key(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    private static String comment(String text) {
        return "-m comment --comment \"" + text.replace("\"", "'") + "\" ";
    }

    private void nat(String chain, String rule) {
        natRules.add("-A " + chain + " " + rule);
    }

    private void filter(String chain, String rule) {
        filterRules.add("-A " + chain + " " + rule);
    }

    /** kube-proxy's naming: the first 16 characters of base32(sha256(text)). */
    static String hash(String text) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder(16);
        long buffer = 0;
        int bits = 0;
        for (int i = 0; out.length() < 16; i++) {
            buffer = (buffer << 8) | (digest[i] & 0xFF);
            bits += 8;
            while (bits >= 5 && out.length() < 16) {
                out.append(alphabet.charAt((int) (buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        return out.toString();
    }

    /** The jumps from the built-in chains into ours, in the order they should end up at the top of each. */
    List<Hook> hooks() {
        String portals = chain("SERVICES");
        String external = chain("EXTERNAL-SERVICES");
        String newConn = "-m conntrack --ctstate NEW ";
        return List.of(
                new Hook("nat", "PREROUTING", PORTALS, portals),
                new Hook("nat", "OUTPUT", PORTALS, portals),
                new Hook("nat", "POSTROUTING", "-m comment --comment \"kubernetes postrouting rules\"", chain("POSTROUTING")),
                new Hook("filter", "INPUT", newConn + EXTERNAL, external),
                new Hook("filter", "INPUT", newConn + PORTALS, portals),
                // NEW only: the ICMP errors our REJECTs send to a service address (the source the host picked) must pass.
                new Hook("filter", "INPUT", newConn + "-m comment --comment \"kubernetes service address guard\"", chain("FIREWALL")),
                new Hook("filter", "FORWARD", "-m comment --comment \"kubernetes forwarding rules\"", chain("FORWARD")),
                new Hook("filter", "FORWARD", newConn + PORTALS, portals),
                new Hook("filter", "FORWARD", newConn + EXTERNAL, external),
                new Hook("filter", "OUTPUT", newConn + PORTALS, portals));
    }

    /** The chains and rules alone (no hooks, no clean-up of stale chains): what the unit tests compare. */
    public String text() {
        return restoreText(HostTables.EMPTY, false);
    }

    /**
     * The input for {@code iptables-restore --noflush} on a host that has {@code existing}: our chains rewritten,
     * stale per-service chains of ours deleted, missing hooks inserted. Nobody else's chain is touched.
     */
    public String restoreText(HostTables existing) {
        return restoreText(existing, true);
    }

    private String restoreText(HostTables existing, boolean withHostState) {
        StringBuilder out = new StringBuilder();
        table(out, "filter", filterChains, filterRules, existing, withHostState);
        table(out, "nat", natChains, natRules, existing, withHostState);
        return out.toString();
    }

    private void table(StringBuilder out, String table, Set<String> chains, List<String> rules, HostTables existing,
                       boolean withHostState) {
        List<String> stale = withHostState ? existing.chains(table).stream()
                .filter(c -> isPerServiceChain(c) && !chains.contains(c)).sorted().toList() : List.of();
        out.append('*').append(table).append('\n');
        chains.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
        stale.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
        rules.forEach(r -> out.append(r).append('\n'));
        stale.forEach(c -> out.append("-X ").append(c).append('\n'));
        if (withHostState) {
            List<Hook> missing = new ArrayList<>(hooks().stream()
                    .filter(h -> h.table().equals(table) && !h.presentIn(existing.rules(table))).toList());
            Collections.reverse(missing);
            missing.forEach(h -> out.append(h.rule()).append('\n'));
        }
        out.append("COMMIT\n");
    }

    private boolean isPerServiceChain(String chain) {
        return perService(prefix, chain);
    }

    private static boolean perService(String prefix, String chain) {
        return chain.startsWith(prefix + "-SVC-") || chain.startsWith(prefix + "-SVL-") || chain.startsWith(prefix + "-EXT-")
                || chain.startsWith(prefix + "-SEP-");
    }

    /** Whether a chain is one of the proxy's with this prefix: a fixed one or a per-service one. */
    static boolean owned(String prefix, String chain) {
        return perService(prefix, chain) || FIXED_CHAINS.stream().anyMatch(n -> chain.equals(prefix + "-" + n));
    }
}
