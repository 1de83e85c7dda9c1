package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Node: NAME STATUS ROLES AGE VERSION; wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME. */
final class NodePrinter implements RowPrinter {

    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
    private static final String ROLE_LABEL = "kubernetes.io/role";
    private static final String ADDRESSES = "List of addresses reachable to the node. Queried from cloud provider, "
            + "if available.";

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Status", "string", "The status of the node"),
            ColumnDefinition.of("Roles", "string", "The roles of the node"),
            Columns.AGE,
            ColumnDefinition.of("Version", "string", "Kubelet Version reported by the node."),
            ColumnDefinition.wide("Internal-IP", "string", ADDRESSES),
            ColumnDefinition.wide("External-IP", "string", ADDRESSES),
            ColumnDefinition.wide("OS-Image", "string", "OS Image reported by the node from /etc/os-release "
                    + "(e.g. Debian GNU/Linux 7 (wheezy))."),
            ColumnDefinition.wide("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' "
                    + "(e.g. 3.16.0-0.bpo.4-amd64)."),
            ColumnDefinition.wide("Container-Runtime", "string", "ContainerRuntime Version reported by the node through "
                    + "runtime remote API (e.g. containerd://1.4.2)."));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode node, Instant now) {
        JsonNode info = Nodes.at(node, "status", "nodeInfo");
        return List.of(Nodes.name(node), status(node), roles(node), Columns.age(node, now),
                Nodes.text(info, "kubeletVersion"),
                address(node, "InternalIP"), address(node, "ExternalIP"),
                orUnknown(Nodes.text(info, "osImage")), orUnknown(Nodes.text(info, "kernelVersion")),
                orUnknown(Nodes.text(info, "containerRuntimeVersion")));
    }

    static String status(JsonNode node) {
        List<String> status = new ArrayList<>();
        JsonNode ready = null;
        for (JsonNode c : Nodes.items(node, "status", "conditions")) {
            if ("Ready".equals(Nodes.text(c, "type"))) {
                ready = c; // the last one wins, as with Go's map
            }
        }
        if (ready != null) {
            status.add("True".equals(Nodes.text(ready, "status")) ? "Ready" : "NotReady");
        } else {
            status.add("Unknown");
        }
        if (Nodes.at(node, "spec", "unschedulable").asBoolean(false)) {
            status.add("SchedulingDisabled");
        }
        return String.join(",", status);
    }

    static String roles(JsonNode node) {
        TreeSet<String> roles = new TreeSet<>();
        Nodes.at(node, "metadata", "labels").fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (k.startsWith(ROLE_PREFIX)) {
                String role = k.substring(ROLE_PREFIX.length());
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            } else if (k.equals(ROLE_LABEL) && !e.getValue().asText().isEmpty()) {
                roles.add(e.getValue().asText());
            }
        });
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String address(JsonNode node, String type) {
        for (JsonNode a : Nodes.items(node, "status", "addresses")) {
            if (type.equals(Nodes.text(a, "type"))) {
                return Nodes.text(a, "address");
            }
        }
        return "<none>";
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? "<unknown>" : s;
    }
}
