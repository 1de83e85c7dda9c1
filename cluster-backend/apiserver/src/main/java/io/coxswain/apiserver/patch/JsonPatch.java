package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * RFC 6902 JSON Patch ({@code application/json-patch+json}). Operations apply in order to a copy of the
 * target; the first failure aborts the whole patch, so the caller never sees a half-patched object.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    public static JsonNode apply(JsonNode target, JsonNode operations) {
        if (operations == null || !operations.isArray()) {
            throw new PatchException("a JSON patch must be an array of operations");
        }
        JsonNode doc = target == null ? null : target.deepCopy();
        for (int i = 0; i < operations.size(); i++) {
            JsonNode op = operations.get(i);
            String name = op.path("op").asText("");
            String path = op.path("path").isTextual() ? op.get("path").asText() : null;
            try {
                doc = applyOne(doc, op, name, path);
            } catch (PatchFailure | IllegalArgumentException e) {
                throw new PatchException("json patch operation " + i + " (" + (name.isEmpty() ? "?" : name)
                        + (path == null ? "" : " " + path) + "): " + e.getMessage());
            }
        }
        return doc;
    }

    private static JsonNode applyOne(JsonNode doc, JsonNode op, String name, String path) {
        if (path == null) {
            throw new PatchFailure("missing \"path\"");
        }
        List<String> tokens = JsonPointer.parse(path);
        switch (name) {
            case "add":
                return add(doc, tokens, value(op));
            case "remove":
                if (tokens.isEmpty()) {
                    throw new PatchFailure("cannot remove the whole document");
                }
                remove(doc, tokens);
                return doc;
            case "replace":
                get(doc, tokens);
                if (tokens.isEmpty()) {
                    return value(op);
                }
                remove(doc, tokens);
                return add(doc, tokens, value(op));
            case "move": {
                String from = from(op);
                if (path.startsWith(from + "/")) {
                    throw new PatchFailure("cannot move " + from + " into its own child");
                }
                if (from.equals(path)) {
                    get(doc, tokens);
                    return doc;
                }
                List<String> fromTokens = JsonPointer.parse(from);
                JsonNode moved = get(doc, fromTokens);
                remove(doc, fromTokens);
                return add(fromTokens.isEmpty() ? null : doc, tokens, moved);
            }
            case "copy":
                return add(doc, tokens, get(doc, JsonPointer.parse(from(op))).deepCopy());
            case "test": {
                JsonNode actual = get(doc, tokens);
                if (!JsonValues.equal(actual, value(op))) {
                    throw new PatchFailure("test failed: value is " + actual + ", expected " + op.get("value"));
                }
                return doc;
            }
            case "":
                throw new PatchFailure("missing \"op\"");
            default:
                throw new PatchFailure("unknown operation \"" + name + "\"");
        }
    }

    private static JsonNode value(JsonNode op) {
        if (!op.has("value")) {
            throw new PatchFailure("missing \"value\"");
        }
        return op.get("value").deepCopy();
    }

    private static String from(JsonNode op) {
        if (!op.path("from").isTextual()) {
            throw new PatchFailure("missing \"from\"");
        }
        return op.get("from").asText();
    }

    private static JsonNode get(JsonNode doc, List<String> tokens) {
        JsonNode current = doc;
        for (int i = 0; i < tokens.size(); i++) {
            current = step(current, tokens.get(i), tokens, i);
        }
        if (current == null) {
            throw new PatchFailure("document is missing");
        }
        return current;
    }

    private static JsonNode step(JsonNode node, String token, List<String> tokens, int i) {
        JsonNode next = null;
        if (node != null && node.isObject()) {
            next = node.get(token);
        } else if (node != null && node.isArray()) {
            int index = JsonPointer.index(token);
            next = index >= 0 && index < node.size() ? node.get(index) : null;
        }
        if (next == null) {
            throw new PatchFailure("path " + prefix(tokens, i + 1) + " does not exist");
        }
        return next;
    }

    private static JsonNode parent(JsonNode doc, List<String> tokens) {
        JsonNode parent = get(doc, tokens.subList(0, tokens.size() - 1));
        if (!parent.isContainerNode()) {
            throw new PatchFailure("parent " + prefix(tokens, tokens.size() - 1) + " is neither an object nor an array");
        }
        return parent;
    }

    private static JsonNode add(JsonNode doc, List<String> tokens, JsonNode value) {
        if (tokens.isEmpty()) {
            return value;
        }
        JsonNode parent = parent(doc, tokens);
        String last = tokens.get(tokens.size() - 1);
        if (parent.isObject()) {
            ((ObjectNode) parent).set(last, value);
        } else {
            ArrayNode array = (ArrayNode) parent;
            int index = "-".equals(last) ? array.size() : JsonPointer.index(last);
            if (index < 0 || index > array.size()) {
                throw new PatchFailure("index " + last + " is out of bounds for an array of " + array.size());
            }
            array.insert(index, value);
        }
        return doc;
    }

    private static void remove(JsonNode doc, List<String> tokens) {
        get(doc, tokens);
        if (tokens.isEmpty()) {
            return;
        }
        JsonNode parent = parent(doc, tokens);
        String last = tokens.get(tokens.size() - 1);
        if (parent.isObject()) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ArrayNode) parent).remove(JsonPointer.index(last));
        }
    }

    private static String prefix(List<String> tokens, int n) {
        StringBuilder out = new StringBuilder();
        for (String t : tokens.subList(0, n)) {
            out.append('/').append(t.replace("~", "~0").replace("/", "~1"));
        }
        return out.toString();
    }

    /** Internal signal, turned into a PatchException that names the operation. */
    private static final class PatchFailure extends RuntimeException {
        PatchFailure(String message) {
            super(message, null, false, false);
        }
    }
}
