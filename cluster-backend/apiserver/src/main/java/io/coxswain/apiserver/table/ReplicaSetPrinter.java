package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * ReplicaSet and ReplicationController (printReplicaSet, printReplicationController): NAME DESIRED CURRENT READY AGE;
 * wide CONTAINERS IMAGES SELECTOR. The two differ in the columns' descriptions and in the selector's form: a
 * LabelSelector, or a ReplicationController's plain map of labels.
 */
final class ReplicaSetPrinter implements RowPrinter {

    private final List<ColumnDefinition> columns;
    private final Function<JsonNode, String> selector;

    private ReplicaSetPrinter(String owner, String selectorDescription, Function<JsonNode, String> selector) {
        this.columns = List.of(
                Columns.NAME,
                ColumnDefinition.of("Desired", "integer", "Replicas is the number of desired replicas."),
                ColumnDefinition.of("Current", "integer", "Replicas is the most recently observed number of replicas."),
                ColumnDefinition.of("Ready", "integer", "The number of ready replicas for this " + owner + "."),
                Columns.AGE, Columns.CONTAINERS, Columns.IMAGES,
                Columns.selector(selectorDescription));
        this.selector = selector;
    }

    static ReplicaSetPrinter replicaSets() {
        return new ReplicaSetPrinter("replica set", "Selector is a label query over pods that should match the replica count.",
                Selectors::formatLabelSelector);
    }

    static ReplicaSetPrinter replicationControllers() {
        return new ReplicaSetPrinter("replication controller", "Selector is a label query over pods that should match the "
                + "Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template.",
                Selectors::formatLabels);
    }

    @Override
    public List<ColumnDefinition> columns() {
        return columns;
    }

    @Override
    public List<Object> cells(JsonNode rs, Instant now) {
        List<String> containers = Columns.containerCells(Nodes.at(rs, "spec", "template", "spec"));
        return List.of(Nodes.name(rs),
                Nodes.integer(rs, 1, "spec", "replicas"),
                Nodes.integer(rs, "status", "replicas"),
                Nodes.integer(rs, "status", "readyReplicas"),
                Columns.age(rs, now), containers.get(0), containers.get(1),
                selector.apply(Nodes.at(rs, "spec", "selector")));
    }
}
