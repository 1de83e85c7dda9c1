package io.coxswain.network;

import java.util.List;

/**
 * flannel's {@code --ip-masq} rules, in a nat chain of ours hooked first in POSTROUTING: pods' traffic that leaves the
 * cluster CIDR takes the node's address, while pod-to-pod traffic, across nodes too, keeps the pod's own. Traffic that
 * kube-proxy marked for its own masquerade is left to kube-proxy, so it is not translated twice.
 */
final class Masquerade {

    static final String CHAIN = "COXSWAIN-POSTRTG";
    private static final String COMMENT = "-m comment --comment \"coxswain overlay masq\"";
    private static final List<String> HOOK = List.of("POSTROUTING", "-m", "comment", "--comment", "coxswain overlay masq",
            "-j", CHAIN);

    private final HostCommands host;

    Masquerade(HostCommands host) {
        this.host = host;
    }

    /** The chain's rules as {@code iptables -S} prints them. */
    static List<String> rules(String clusterCidr, String podCidr) {
        return List.of(
                "-A " + CHAIN + " -m mark --mark 0x4000/0x4000 " + COMMENT + " -j RETURN",
                "-A " + CHAIN + " -s " + podCidr + " -d " + clusterCidr + " " + COMMENT + " -j RETURN",
                "-A " + CHAIN + " -s " + clusterCidr + " -d " + podCidr + " " + COMMENT + " -j RETURN",
                "-A " + CHAIN + " -s " + clusterCidr + " ! -d 224.0.0.0/4 " + COMMENT + " -j MASQUERADE --random-fully",
                // from outside the cluster to this node's own pods: the source stays (externalTrafficPolicy Local keeps it)
                "-A " + CHAIN + " ! -s " + clusterCidr + " -d " + podCidr + " " + COMMENT + " -j RETURN",
                "-A " + CHAIN + " ! -s " + clusterCidr + " -d " + clusterCidr + " " + COMMENT + " -j MASQUERADE --random-fully");
    }

    /** Makes the chain and its hook what they should be; false when they already were (nothing was run to change them). */
    boolean ensure(String clusterCidr, String podCidr) {
        List<String> want = rules(clusterCidr, podCidr);
        HostCommands.Result shown = host.run("iptables", "-w", "5", "-t", "nat", "-S", CHAIN);
        List<String> have = shown.ok() ? shown.stdout().lines().filter(l -> l.startsWith("-A ")).toList() : List.of();
        boolean changed = false;
        if (!have.equals(want)) {
            StringBuilder restore = new StringBuilder("*nat\n:" + CHAIN + " - [0:0]\n");
            want.forEach(rule -> restore.append(rule).append('\n'));
            restore.append("COMMIT\n");
            host.runWithInput(restore.toString(), "iptables-restore", "-w", "5", "--noflush").orThrow();
            changed = true;
        }
        if (!host.run(iptables("-C")).ok()) {
            host.check(iptables("-I"));
            changed = true;
        }
        return changed;
    }

    private static String[] iptables(String action) {
        List<String> command = new java.util.ArrayList<>(List.of("iptables", "-w", "5", "-t", "nat", action));
        command.add(HOOK.get(0));
        if (action.equals("-I")) {
            command.add("1");
        }
        command.addAll(HOOK.subList(1, HOOK.size()));
        return command.toArray(String[]::new);
    }
}
