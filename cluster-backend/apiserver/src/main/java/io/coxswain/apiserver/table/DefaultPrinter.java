package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** Any kind without a dedicated printer: NAME AGE. */
final class DefaultPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(Columns.NAME, Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode object, Instant now) {
        return List.of(Nodes.name(object), Columns.age(object, now));
    }
}
