package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** ConfigMap: NAME DATA AGE, DATA counting both data and binaryData keys. */
final class ConfigMapPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Data", "string", "Data contains the configuration data. Each key must consist of "
                    + "alphanumeric characters, '-', '_' or '.'."),
            Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode cm, Instant now) {
        long data = Nodes.size(cm, "data") + Nodes.size(cm, "binaryData");
        return List.of(Nodes.name(cm), data, Columns.age(cm, now));
    }
}
