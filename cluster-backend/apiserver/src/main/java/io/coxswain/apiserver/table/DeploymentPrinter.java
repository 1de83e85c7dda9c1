package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** Deployment: NAME READY UP-TO-DATE AVAILABLE AGE; wide CONTAINERS IMAGES SELECTOR. */
final class DeploymentPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Ready", "string", "Number of the pod with ready state"),
            ColumnDefinition.of("Up-to-date", "string", "Total number of non-terminated pods targeted by this "
                    + "deployment that have the desired template spec."),
            ColumnDefinition.of("Available", "string", "Total number of available pods (ready for at least "
                    + "minReadySeconds) targeted by this deployment."),
            Columns.AGE, Columns.CONTAINERS, Columns.IMAGES,
            Columns.selector(Columns.LABEL_SELECTOR_DESCRIPTION));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode d, Instant now) {
        long desired = Nodes.integer(d, 1, "spec", "replicas");
        long ready = Nodes.integer(d, "status", "readyReplicas");
        List<String> containers = Columns.containerCells(Nodes.at(d, "spec", "template", "spec"));
        String selector = Selectors.selectorString(Nodes.at(d, "spec", "selector"));
        return List.of(Nodes.name(d), ready + "/" + desired,
                Nodes.integer(d, "status", "updatedReplicas"),
                Nodes.integer(d, "status", "availableReplicas"),
                Columns.age(d, now), containers.get(0), containers.get(1),
                selector == null ? "<invalid>" : selector);
    }
}
