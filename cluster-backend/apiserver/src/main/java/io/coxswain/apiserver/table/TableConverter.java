package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.GroupVersionKind;

import java.time.Instant;
import java.util.List;

/**
 * Server-side printing: turns objects into a {@code meta.k8s.io/v1 Table}, the answer to
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io} that {@code kubectl get} sends for lists,
 * single objects and each watch event.
 */
public final class TableConverter {

    public static final String API_VERSION = "meta.k8s.io/v1";

    /** What each row's {@code object} holds ({@code ?includeObject=None|Metadata|Object}; kubectl uses Metadata). */
    public enum IncludeObject {
        NONE, METADATA, OBJECT;

        /** Parses the {@code includeObject} query parameter; absent means Metadata. Null when invalid. */
        public static IncludeObject fromQuery(String value) {
            if (value == null || value.isEmpty()) {
                return METADATA;
            }
            return switch (value) {
                case "None" -> NONE;
                case "Metadata" -> METADATA;
                case "Object" -> OBJECT;
                default -> null;
            };
        }
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TableConverter() {
    }

    /** A Table for a list response; {@code includeObject} true puts a PartialObjectMetadata in each row. */
    public static ObjectNode toTable(GroupVersionKind gvk, List<JsonNode> objects, String listResourceVersion,
                                     String continueToken, Instant now, boolean includeObject) {
        return toTable(gvk, objects, listResourceVersion, continueToken, null, now,
                includeObject ? IncludeObject.METADATA : IncludeObject.NONE, true);
    }

    /**
     * The general form. {@code remainingItemCount} may be null; {@code includeColumnDefinitions} false emits
     * {@code "columnDefinitions": null}, as the real apiserver does for watch events after the first.
     */
    public static ObjectNode toTable(GroupVersionKind gvk, List<JsonNode> objects, String resourceVersion,
                                     String continueToken, Long remainingItemCount, Instant now,
                                     IncludeObject include, boolean includeColumnDefinitions) {
        RowPrinter printer = PrinterRegistry.defaults().printerFor(gvk);
        ObjectNode table = F.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", API_VERSION);
        ObjectNode metadata = table.putObject("metadata");
        if (resourceVersion != null && !resourceVersion.isEmpty()) {
            metadata.put("resourceVersion", resourceVersion);
        }
        if (continueToken != null && !continueToken.isEmpty()) {
            metadata.put("continue", continueToken);
        }
        if (remainingItemCount != null) {
            metadata.put("remainingItemCount", remainingItemCount);
        }
        if (includeColumnDefinitions) {
            ArrayNode columns = table.putArray("columnDefinitions");
            printer.columns().forEach(c -> columns.add(c.toJson()));
        } else {
            table.putNull("columnDefinitions");
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            rows.add(row(printer, object, now, include));
        }
        return table;
    }

    /** A one-row Table for a single object ({@code kubectl get pod web}); its resourceVersion is the object's. */
    public static ObjectNode toTable(GroupVersionKind gvk, JsonNode object, Instant now, boolean includeObject) {
        return toTable(gvk, List.of(object), resourceVersionOf(object), null, null, now,
                includeObject ? IncludeObject.METADATA : IncludeObject.NONE, true);
    }

    /**
     * The Table carried by one watch event: one row, the object's resourceVersion, column definitions when
     * {@code includeColumnDefinitions} (kubectl accepts them in every event or only in the first).
     */
    public static ObjectNode toWatchEventTable(GroupVersionKind gvk, JsonNode object, Instant now,
                                               boolean includeObject, boolean includeColumnDefinitions) {
        return toTable(gvk, List.of(object), resourceVersionOf(object), null, null, now,
                includeObject ? IncludeObject.METADATA : IncludeObject.NONE, includeColumnDefinitions);
    }

    /** The column definitions used for a kind. */
    public static List<ColumnDefinition> columnsFor(GroupVersionKind gvk) {
        return PrinterRegistry.defaults().printerFor(gvk).columns();
    }

    /** {@code {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{...}}}. */
    public static ObjectNode partialObjectMetadata(JsonNode object) {
        ObjectNode partial = F.objectNode();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", API_VERSION);
        JsonNode metadata = object == null ? null : object.get("metadata");
        partial.set("metadata", metadata != null && metadata.isObject() ? metadata.deepCopy() : F.objectNode());
        return partial;
    }

    private static ObjectNode row(RowPrinter printer, JsonNode object, Instant now, IncludeObject include) {
        ObjectNode row = F.objectNode();
        ArrayNode cells = row.putArray("cells");
        for (Object cell : printer.cells(object, now)) {
            cells.add(toJson(cell));
        }
        List<RowCondition> conditions = printer.conditions(object);
        if (!conditions.isEmpty()) {
            ArrayNode c = row.putArray("conditions");
            conditions.forEach(rc -> c.add(rc.toJson()));
        }
        switch (include) {
            case METADATA -> row.set("object", partialObjectMetadata(object));
            case OBJECT -> row.set("object", object.deepCopy());
            case NONE -> { }
        }
        return row;
    }

    private static JsonNode toJson(Object cell) {
        if (cell == null) {
            return F.nullNode();
        } else if (cell instanceof String s) {
            return F.textNode(s);
        } else if (cell instanceof Long l) {
            return F.numberNode(l);
        } else if (cell instanceof Integer i) {
            return F.numberNode(i.longValue());
        } else if (cell instanceof Boolean b) {
            return F.booleanNode(b);
        }
        return F.textNode(cell.toString());
    }

    private static String resourceVersionOf(JsonNode object) {
        return Nodes.text(object, "metadata", "resourceVersion");
    }
}
