package io.coxswain.dns;

import io.coxswain.client.host.HostCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * NodeLocal DNSCache's raw-table rules: queries to the DNS address's port and their replies are not tracked, so
 * kube-proxy's nat rules (DNAT) and its REJECT and service-range guard, which all match connection states (NEW, DNAT),
 * never apply to them, and the host delivers them to the socket bound to that address. One chain of ours, hooked at the
 * top of raw PREROUTING and OUTPUT.
 */
final class NotrackRules {

    private static final Logger LOG = LoggerFactory.getLogger(NotrackRules.class);
    private static final String COMMENT = "-m comment --comment \"cluster DNS: not tracked\"";

    private NotrackRules() {
    }

    /** Writes the chain for these addresses and port, and hooks it where the hooks are missing. */
    static void install(String chain, List<String> addresses, int port) {
        StringBuilder text = new StringBuilder("*raw\n:").append(chain).append(" - [0:0]\n");
        for (String ip : addresses) {
            for (String proto : List.of("udp", "tcp")) {
                text.append("-A ").append(chain).append(" -d ").append(ip).append("/32 -p ").append(proto)
                        .append(" -m ").append(proto).append(" --dport ").append(port).append(" -j NOTRACK\n");
                text.append("-A ").append(chain).append(" -s ").append(ip).append("/32 -p ").append(proto)
                        .append(" -m ").append(proto).append(" --sport ").append(port).append(" -j NOTRACK\n");
            }
        }
        List<String> existing = rawRules();
        for (String builtin : List.of("PREROUTING", "OUTPUT")) {
            if (existing.stream().noneMatch(r -> r.startsWith("-A " + builtin + " ") && r.endsWith("-j " + chain))) {
                text.append("-I ").append(builtin).append(" 1 ").append(COMMENT).append(" -j ").append(chain).append('\n');
            }
        }
        text.append("COMMIT\n");
        restore(text.toString());
        LOG.info("raw table: {} leaves port {} of {} untracked", chain, port, addresses);
    }

    /** Removes the hooks and the chain; nothing when they are not there. */
    static void remove(String chain) {
        List<String> existing = rawRules();
        boolean chainThere = rawSave().lines().anyMatch(l -> l.startsWith(":" + chain + " "));
        List<String> hooks = new ArrayList<>(existing.stream().filter(r -> r.endsWith("-j " + chain) && !r.startsWith("-A " + chain + " ")).toList());
        if (!chainThere && hooks.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder("*raw\n");
        if (chainThere) {
            text.append(':').append(chain).append(" - [0:0]\n");
        }
        hooks.forEach(h -> text.append("-D").append(h.substring(2)).append('\n'));
        if (chainThere) {
            text.append("-X ").append(chain).append('\n');
        }
        text.append("COMMIT\n");
        restore(text.toString());
        LOG.info("raw table: removed {}", chain);
    }

    private static List<String> rawRules() {
        return rawSave().lines().filter(l -> l.startsWith("-A ")).toList();
    }

    private static String rawSave() {
        HostCommand.Result r = HostCommand.run(List.of("iptables-save", "-t", "raw"), null);
        if (!r.ok()) {
            throw new IllegalStateException("iptables-save -t raw failed (" + r.exitCode() + "): " + r.stderr().strip());
        }
        return r.stdout();
    }

    private static void restore(String text) {
        HostCommand.Result r = HostCommand.run(List.of("iptables-restore", "-w", "5", "--noflush"), text);
        if (!r.ok()) {
            throw new IllegalStateException("iptables-restore of the DNS rules failed (" + r.exitCode() + "): " + r.stderr().strip()
                    + "\n" + text);
        }
    }
}
