package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** Secret: NAME TYPE DATA AGE. */
final class SecretPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Type", "string", "Used to facilitate programmatic handling of secret data."),
            ColumnDefinition.of("Data", "string", "Data contains the secret data."),
            Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode secret, Instant now) {
        String type = Nodes.text(secret, "type");
        return List.of(Nodes.name(secret), type.isEmpty() ? "Opaque" : type, (long) Nodes.size(secret, "data"),
                Columns.age(secret, now));
    }
}
