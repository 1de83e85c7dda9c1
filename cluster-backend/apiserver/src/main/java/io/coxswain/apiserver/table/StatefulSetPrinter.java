package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** StatefulSet: NAME READY AGE; wide CONTAINERS IMAGES. */
final class StatefulSetPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Ready", "string", "Number of the pod with ready state"),
            Columns.AGE, Columns.CONTAINERS, Columns.IMAGES);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode sts, Instant now) {
        List<String> containers = Columns.containerCells(Nodes.at(sts, "spec", "template", "spec"));
        return List.of(Nodes.name(sts),
                Nodes.integer(sts, "status", "readyReplicas") + "/" + Nodes.integer(sts, 1, "spec", "replicas"),
                Columns.age(sts, now), containers.get(0), containers.get(1));
    }
}
