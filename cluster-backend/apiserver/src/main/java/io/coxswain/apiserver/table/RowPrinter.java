package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * Prints one kind as Table rows, the way kube-apiserver's {@code pkg/printers/internalversion} does with
 * {@code GenerateOptions{Wide: true}}: every column, wide ones included, is always filled; kubectl hides
 * priority-1 columns unless {@code -o wide}.
 */
public interface RowPrinter {

    /** Column definitions, in cell order. */
    List<ColumnDefinition> columns();

    /**
     * The cells of the object's row, one per column. Cells are {@link String}, {@link Long}, {@link Boolean}
     * or {@code null}.
     */
    List<Object> cells(JsonNode object, Instant now);

    /** Row conditions (only finished pods have any). */
    default List<RowCondition> conditions(JsonNode object) {
        return List.of();
    }
}
