package io.coxswain.kubelet.cni;

import io.coxswain.client.host.HostCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel must do for the node's pods besides the plugins: forward at all, show bridged traffic to iptables
 * (kube-proxy's DNAT back to a pod on the same bridge needs it, as kubenet set it), and let pod traffic through a
 * FORWARD chain whose policy Docker sets to DROP. Flannel's FLANNEL-FWD does the last for the cluster CIDR; here
 * each kubelet accepts its own pod CIDR, both ways, in chain COXSWAIN-FORWARD, hooked first in FORWARD.
 */
final class PodCidrForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(PodCidrForwarding.class);
    static final String CHAIN = "COXSWAIN-FORWARD";

    private PodCidrForwarding() {
    }

    static void ensure(String podCidr) {
        sysctl("net/ipv4/ip_forward");
        sysctl("net/bridge/bridge-nf-call-iptables");
        List<String> failures = new ArrayList<>();
        // -N fails when the chain exists (another kubelet of this machine made it): only the checks below matter
        HostCommand.run(List.of("iptables", "-w", "5", "-t", "filter", "-N", CHAIN), null);
        ensureRule(failures, List.of("FORWARD", "-m", "comment", "--comment", "coxswain pod networks", "-j", CHAIN), true);
        ensureRule(failures, List.of(CHAIN, "-s", podCidr, "-m", "comment", "--comment", "pods of this node", "-j", "ACCEPT"), false);
        ensureRule(failures, List.of(CHAIN, "-d", podCidr, "-m", "comment", "--comment", "pods of this node", "-j", "ACCEPT"), false);
        if (!failures.isEmpty()) {
            throw new CniFailure("could not let pod traffic of " + podCidr + " through FORWARD: " + String.join("; ", failures));
        }
    }

    private static void ensureRule(List<String> failures, List<String> rule, boolean first) {
        List<String> check = new ArrayList<>(List.of("iptables", "-w", "5", "-t", "filter", "-C"));
        check.addAll(rule);
        if (HostCommand.run(check, null).ok()) {
            return;
        }
        List<String> add = new ArrayList<>(List.of("iptables", "-w", "5", "-t", "filter"));
        add.addAll(first ? List.of("-I", rule.get(0), "1") : List.of("-A", rule.get(0)));
        add.addAll(rule.subList(1, rule.size()));
        HostCommand.Result r = HostCommand.run(add, null);
        if (!r.ok()) {
            failures.add(String.join(" ", add) + ": " + r.stderr().strip());
        }
    }

    /** Sets a switch to 1 in this process's network namespace, unless it is 1 already (a write takes the kernel's lock). */
    private static void sysctl(String key) {
        Path path = Path.of("/proc/sys", key);
        try {
            if (!Files.readString(path).strip().equals("1")) {
                Files.writeString(path, "1");
            }
        } catch (java.io.IOException e) {
            LOG.warn("could not set {} to 1 ({}): pods may not reach each other or their services", key.replace('/', '.'), e.toString());
        }
    }
}
