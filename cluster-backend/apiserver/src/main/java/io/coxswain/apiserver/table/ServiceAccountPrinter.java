package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** ServiceAccount: NAME SECRETS AGE. */
final class ServiceAccountPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Secrets", "string", "Secrets is a list of the secrets in the same namespace that "
                    + "pods running using this ServiceAccount are allowed to use."),
            Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode sa, Instant now) {
        return List.of(Nodes.name(sa), (long) Nodes.size(sa, "secrets"), Columns.age(sa, now));
    }
}
