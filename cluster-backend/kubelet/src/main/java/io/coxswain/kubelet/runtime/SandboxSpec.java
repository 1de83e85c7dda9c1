package io.coxswain.kubelet.runtime;

import java.util.List;
import java.util.Map;

/** A pod's sandbox: its hostname, labels, and the hostPorts published on the node. */
public record SandboxSpec(String name, String hostname, Map<String, String> labels, List<HostPort> hostPorts,
                          List<String> dnsServers, List<String> dnsSearches) {

    public record HostPort(String hostIp, int hostPort, int containerPort, String protocol) {
    }
}
