package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** Pod: NAME READY STATUS RESTARTS AGE; wide IP NODE NOMINATED NODE READINESS GATES. */
final class PodPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
            ColumnDefinition.of("Status", "string", "The aggregate status of the containers in this pod."),
            ColumnDefinition.of("Restarts", "string", "The number of times the containers in this pod have been "
                    + "restarted and when the last container in this pod has restarted."),
            Columns.AGE,
            ColumnDefinition.wide("IP", "string", "podIP address allocated to the pod. Routable at least within the "
                    + "cluster. Empty if not yet allocated."),
            ColumnDefinition.wide("Node", "string", "NodeName indicates in which node this pod is scheduled. If empty, "
                    + "this pod is a candidate for scheduling by the scheduler defined in schedulerName."),
            ColumnDefinition.wide("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts "
                    + "other pods on the node, but it cannot be scheduled right away as preemption victims receive "
                    + "their graceful termination periods."),
            ColumnDefinition.wide("Readiness Gates", "string", "If specified, all readiness gates will be evaluated "
                    + "for pod readiness. A pod is ready when all its containers are ready AND all conditions "
                    + "specified in the readiness gates have status equal to \"True\""));

    private static final RowCondition SUCCEEDED =
            new RowCondition("Completed", "True", "Succeeded", "The pod has completed successfully.");
    private static final RowCondition FAILED = new RowCondition("Completed", "True", "Failed", "The pod failed.");

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode pod, Instant now) {
        PodStatusText.Result s = PodStatusText.of(pod, now);
        JsonNode status = Nodes.at(pod, "status");
        String podIP = Nodes.items(status, "podIPs").stream()
                .map(ip -> Nodes.text(ip, "ip")).findFirst().orElse(Nodes.text(status, "podIP"));
        return List.of(Nodes.name(pod), s.ready(), s.status(), s.restarts(), Columns.age(pod, now),
                orNone(podIP), orNone(Nodes.text(pod, "spec", "nodeName")),
                orNone(Nodes.text(status, "nominatedNodeName")), readinessGates(pod));
    }

    @Override
    public List<RowCondition> conditions(JsonNode pod) {
        return switch (Nodes.text(pod, "status", "phase")) {
            case "Succeeded" -> List.of(SUCCEEDED);
            case "Failed" -> List.of(FAILED);
            default -> List.of();
        };
    }

    private static String readinessGates(JsonNode pod) {
        List<JsonNode> gates = Nodes.items(pod, "spec", "readinessGates");
        if (gates.isEmpty()) {
            return "<none>";
        }
        int trueConditions = 0;
        for (JsonNode gate : gates) {
            String type = Nodes.text(gate, "conditionType");
            for (JsonNode c : Nodes.items(pod, "status", "conditions")) {
                if (type.equals(Nodes.text(c, "type"))) {
                    if ("True".equals(Nodes.text(c, "status"))) {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions + "/" + gates.size();
    }

    static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }
}
