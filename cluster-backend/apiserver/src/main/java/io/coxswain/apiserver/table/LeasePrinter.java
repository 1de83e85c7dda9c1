package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** coordination.k8s.io Lease: NAME HOLDER AGE. */
final class LeasePrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Holder", "string", "holderIdentity contains the identity of the holder of a current "
                    + "lease. If Coordinated Leader Election is used, the holder identity must be equal to the "
                    + "elected LeaseCandidate.metadata.name field."),
            Columns.AGE);

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode lease, Instant now) {
        return List.of(Nodes.name(lease), Nodes.text(lease, "spec", "holderIdentity"), Columns.age(lease, now));
    }
}
