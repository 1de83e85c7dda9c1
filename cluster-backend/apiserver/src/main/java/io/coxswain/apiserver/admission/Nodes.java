package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Small JSON helpers for defaulting, mirroring Go's two kinds of optional field.
 *
 * <p>A Go <em>pointer</em> field ({@code *int32}, {@code *bool}, ...) is unset only when it is missing or null, so an
 * explicit {@code 0} or {@code false} is kept: use the {@code ifNull} setters. A Go <em>value</em> field
 * ({@code string}, {@code int32}) cannot tell unset from its zero value, so kube-apiserver overwrites {@code ""} and
 * {@code 0} too: use the {@code ifZero} setters.
 */
final class Nodes {

    private Nodes() {
    }

    /** The object at {@code field}, created when missing or null; a detached object when it holds another type. */
    static ObjectNode object(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return parent.putObject(field);
        }
        return node.isObject() ? (ObjectNode) node : JsonNodeFactory.instance.objectNode();
    }

    /** The object at {@code field}, or null when there is none. */
    static ObjectNode objectOrNull(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        return node != null && node.isObject() ? (ObjectNode) node : null;
    }

    /** The object elements of the array at {@code field}; empty when there is no such array. */
    static List<ObjectNode> objects(JsonNode parent, String field) {
        List<ObjectNode> out = new ArrayList<>();
        JsonNode node = parent == null ? null : parent.get(field);
        if (node instanceof ArrayNode array) {
            array.forEach(e -> {
                if (e.isObject()) {
                    out.add((ObjectNode) e);
                }
            });
        }
        return out;
    }

    static boolean isNull(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node == null || node.isNull();
    }

    /** Go's zero value: missing, null, {@code ""}, {@code 0} or {@code false}. */
    static boolean isZero(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node == null || node.isNull()
                || (node.isTextual() && node.asText().isEmpty())
                || (node.isNumber() && node.asDouble() == 0)
                || (node.isBoolean() && !node.asBoolean());
    }

    static String text(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        return node != null && node.isTextual() ? node.asText() : "";
    }

    static boolean isTrue(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        return node != null && node.isBoolean() && node.asBoolean();
    }

    static boolean isEmpty(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        return node == null || node.isNull() || ((node.isObject() || node.isArray()) && node.isEmpty());
    }

    static void setIfNull(ObjectNode node, String field, String value) {
        if (isNull(node, field)) {
            node.put(field, value);
        }
    }

    static void setIfNull(ObjectNode node, String field, int value) {
        if (isNull(node, field)) {
            node.put(field, value);
        }
    }

    static void setIfNull(ObjectNode node, String field, boolean value) {
        if (isNull(node, field)) {
            node.put(field, value);
        }
    }

    static void setIfZero(ObjectNode node, String field, String value) {
        if (isZero(node, field)) {
            node.put(field, value);
        }
    }

    static void setIfZero(ObjectNode node, String field, int value) {
        if (isZero(node, field)) {
            node.put(field, value);
        }
    }
}
