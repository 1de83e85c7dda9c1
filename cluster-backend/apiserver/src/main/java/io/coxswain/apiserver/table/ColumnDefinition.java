package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * One {@code meta.k8s.io/v1 TableColumnDefinition}. {@code priority} 0 columns are always shown;
 * priority 1 columns only with {@code kubectl get -o wide}.
 */
public record ColumnDefinition(String name, String type, String format, String description, int priority) {

    public ColumnDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        format = format == null ? "" : format;
        description = description == null ? "" : description;
    }

    /** A standard (priority 0) column. */
    public static ColumnDefinition of(String name, String type, String description) {
        return new ColumnDefinition(name, type, "", description, 0);
    }

    /** A wide-only (priority 1) column. */
    public static ColumnDefinition wide(String name, String type, String description) {
        return new ColumnDefinition(name, type, "", description, 1);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", name);
        n.put("type", type);
        n.put("format", format);
        n.put("description", description);
        n.put("priority", priority);
        return n;
    }
}
