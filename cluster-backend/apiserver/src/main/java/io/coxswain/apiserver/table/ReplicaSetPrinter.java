package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** ReplicaSet: NAME DESIRED CURRENT READY AGE; wide CONTAINERS IMAGES SELECTOR. */
final class ReplicaSetPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Desired", "integer", "Replicas is the number of desired replicas."),
            ColumnDefinition.of("Current", "integer", "Replicas is the most recently observed number of replicas."),
            ColumnDefinition.of("Ready", "integer", "The number of ready replicas for this replica set."),
            Columns.AGE, Columns.CONTAINERS, Columns.IMAGES,
            Columns.selector("Selector is a label query over pods that should match the replica count."));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode rs, Instant now) {
        List<String> containers = Columns.containerCells(Nodes.at(rs, "spec", "template", "spec"));
        return List.of(Nodes.name(rs),
                Nodes.integer(rs, 1, "spec", "replicas"),
                Nodes.integer(rs, "status", "replicas"),
                Nodes.integer(rs, "status", "readyReplicas"),
                Columns.age(rs, now), containers.get(0), containers.get(1),
                Selectors.formatLabelSelector(Nodes.at(rs, "spec", "selector")));
    }
}
