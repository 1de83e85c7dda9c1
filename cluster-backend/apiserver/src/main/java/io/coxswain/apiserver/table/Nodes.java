package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.List;

/** Null-tolerant reads from Kubernetes objects held as JSON trees. */
final class Nodes {

    private Nodes() {
    }

    /** The node at {@code path}, or a missing node. Never null. */
    static JsonNode at(JsonNode node, String... path) {
        JsonNode cur = node == null ? MissingNode.getInstance() : node;
        for (String p : path) {
            cur = cur.path(p);
        }
        return cur;
    }

    /** True when the field is present and not JSON null. */
    static boolean present(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return !n.isMissingNode() && !n.isNull();
    }

    /** The text at {@code path}, or "" when absent or null. */
    static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    /** The integer at {@code path}, or 0 when absent. */
    static long integer(JsonNode node, String... path) {
        return at(node, path).asLong(0);
    }

    /** The integer at {@code path}, or {@code fallback} when absent or null. */
    static long integer(JsonNode node, long fallback, String... path) {
        JsonNode n = at(node, path);
        return n.isMissingNode() || n.isNull() ? fallback : n.asLong(fallback);
    }

    /** The elements of the array at {@code path}; empty when absent. */
    static List<JsonNode> items(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        }
        return out;
    }

    /** The number of entries of the array or object at {@code path}. */
    static int size(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isArray() || n.isObject() ? n.size() : 0;
    }

    static String name(JsonNode object) {
        return text(object, "metadata", "name");
    }

    static String creationTimestamp(JsonNode object) {
        return text(object, "metadata", "creationTimestamp");
    }
}
