package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** DaemonSet: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE; wide CONTAINERS IMAGES SELECTOR. */
final class DaemonSetPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Desired", "integer", "The total number of nodes that should be running the daemon pod."),
            ColumnDefinition.of("Current", "integer", "The number of nodes that are running at least 1 daemon pod and "
                    + "are supposed to run the daemon pod."),
            ColumnDefinition.of("Ready", "integer", "The number of nodes that should be running the daemon pod and "
                    + "have one or more of the daemon pod running with a Ready Condition."),
            ColumnDefinition.of("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
            ColumnDefinition.of("Available", "integer", "The number of nodes that should be running the daemon pod and "
                    + "have one or more of the daemon pod running and available (ready for at least "
                    + "spec.minReadySeconds)"),
            ColumnDefinition.of("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to "
                    + "fit on a node."),
            Columns.AGE, Columns.CONTAINERS, Columns.IMAGES,
            Columns.selector("A label query over pods that are managed by the daemon set."));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode ds, Instant now) {
        JsonNode status = Nodes.at(ds, "status");
        JsonNode podSpec = Nodes.at(ds, "spec", "template", "spec");
        List<String> containers = Columns.containerCells(podSpec);
        return List.of(Nodes.name(ds),
                Nodes.integer(status, "desiredNumberScheduled"), Nodes.integer(status, "currentNumberScheduled"),
                Nodes.integer(status, "numberReady"), Nodes.integer(status, "updatedNumberScheduled"),
                Nodes.integer(status, "numberAvailable"), Selectors.formatLabels(podSpec.path("nodeSelector")),
                Columns.age(ds, now), containers.get(0), containers.get(1),
                Selectors.formatLabelSelector(Nodes.at(ds, "spec", "selector")));
    }
}
