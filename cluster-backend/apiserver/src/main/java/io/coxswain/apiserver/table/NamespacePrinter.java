package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** Namespace: NAME STATUS AGE. */
final class NamespacePrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME, ColumnDefinition.of("Status", "string", "The status of the namespace"), Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode ns, Instant now) {
        return List.of(Nodes.name(ns), Nodes.text(ns, "status", "phase"), Columns.age(ns, now));
    }
}
