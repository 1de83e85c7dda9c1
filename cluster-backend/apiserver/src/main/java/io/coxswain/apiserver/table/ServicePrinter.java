package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Service: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE; wide SELECTOR. */
final class ServicePrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Type", "string", "type determines how the Service is exposed. Defaults to ClusterIP. "
                    + "Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
            ColumnDefinition.of("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually "
                    + "assigned randomly."),
            ColumnDefinition.of("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the "
                    + "cluster will also accept traffic for this service."),
            ColumnDefinition.of("Port(s)", "string", "The list of ports that are exposed by this service."),
            Columns.AGE,
            Columns.selector("Route service traffic to pods with label keys and values matching this selector."));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode svc, Instant now) {
        JsonNode spec = Nodes.at(svc, "spec");
        String type = Nodes.text(spec, "type");
        if (type.isEmpty()) {
            type = "ClusterIP"; // the API server's default
        }
        List<JsonNode> clusterIPs = Nodes.items(spec, "clusterIPs");
        String clusterIP = !clusterIPs.isEmpty() ? clusterIPs.get(0).asText() : Nodes.text(spec, "clusterIP");
        if (clusterIP.isEmpty()) {
            clusterIP = "<none>";
        }
        String ports = ports(spec);
        return List.of(Nodes.name(svc), type, clusterIP, externalIP(svc, type), ports.isEmpty() ? "<none>" : ports,
                Columns.age(svc, now), Selectors.formatLabels(spec.path("selector")));
    }

    /** {@code getServiceExternalIP} with wide=true (no truncation). */
    static String externalIP(JsonNode svc, String type) {
        List<String> externalIPs = new ArrayList<>();
        Nodes.items(svc, "spec", "externalIPs").forEach(ip -> externalIPs.add(ip.asText()));
        switch (type) {
            case "ClusterIP", "NodePort":
                return externalIPs.isEmpty() ? "<none>" : String.join(",", externalIPs);
            case "LoadBalancer": {
                List<String> results = new ArrayList<>();
                for (JsonNode ingress : Nodes.items(svc, "status", "loadBalancer", "ingress")) {
                    if (!Nodes.text(ingress, "ip").isEmpty()) {
                        results.add(Nodes.text(ingress, "ip"));
                    } else if (!Nodes.text(ingress, "hostname").isEmpty()) {
                        results.add(Nodes.text(ingress, "hostname"));
                    }
                }
                results.addAll(externalIPs);
                return results.isEmpty() ? "<pending>" : String.join(",", results);
            }
            case "ExternalName":
                return Nodes.text(svc, "spec", "externalName");
            default:
                return "<unknown>";
        }
    }

    /** {@code makePortString}: "80/TCP", "80:30080/TCP", comma-joined. */
    static String ports(JsonNode spec) {
        List<String> pieces = new ArrayList<>();
        for (JsonNode p : Nodes.items(spec, "ports")) {
            String protocol = Nodes.text(p, "protocol");
            if (protocol.isEmpty()) {
                protocol = "TCP";
            }
            long port = Nodes.integer(p, "port");
            long nodePort = Nodes.integer(p, "nodePort");
            pieces.add(nodePort > 0 ? port + ":" + nodePort + "/" + protocol : port + "/" + protocol);
        }
        return String.join(",", pieces);
    }
}
