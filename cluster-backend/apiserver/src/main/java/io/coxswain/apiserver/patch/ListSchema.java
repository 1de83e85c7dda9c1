package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.schemas.SchemaView;

import java.util.ArrayList;
import java.util.List;

/**
 * Null-tolerant reading of the Kubernetes patch and list extensions. A null {@link SchemaView} means
 * "schema unknown" (outside the schema, or under x-kubernetes-preserve-unknown-fields).
 */
final class ListSchema {

    private ListSchema() {
    }

    static SchemaView child(SchemaView schema, String key) {
        return schema == null ? null : schema.child(key).orElse(null);
    }

    static SchemaView items(SchemaView schema) {
        return schema == null ? null : schema.items().orElse(null);
    }

    /** The comma-separated x-kubernetes-patch-strategy, such as {@code merge,retainKeys}, as a list. */
    static List<String> patchStrategies(SchemaView schema) {
        List<String> out = new ArrayList<>();
        if (schema != null) {
            for (String s : schema.extension("x-kubernetes-patch-strategy").asText("").split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    static String patchMergeKey(SchemaView schema) {
        if (schema == null) {
            return null;
        }
        JsonNode key = schema.extension("x-kubernetes-patch-merge-key");
        return key.isTextual() ? key.asText() : null;
    }

    /**
     * How server-side apply treats a list: {@code map}, {@code set} or {@code atomic}. Lists without
     * x-kubernetes-list-type are atomic, as in Kubernetes, unless they carry a patch merge key.
     */
    static String listType(SchemaView schema) {
        if (schema == null) {
            return "atomic";
        }
        JsonNode type = schema.extension("x-kubernetes-list-type");
        if (type.isTextual()) {
            return type.asText();
        }
        return patchMergeKey(schema) != null ? "map" : "atomic";
    }

    static List<String> listMapKeys(SchemaView schema) {
        List<String> out = new ArrayList<>();
        if (schema != null) {
            schema.extension("x-kubernetes-list-map-keys").forEach(k -> out.add(k.asText()));
            if (out.isEmpty() && patchMergeKey(schema) != null) {
                out.add(patchMergeKey(schema));
            }
        }
        return out;
    }

    static boolean atomicMap(SchemaView schema) {
        return schema != null && "atomic".equals(schema.extension("x-kubernetes-map-type").asText(""));
    }

    /** A default for a missing list-map key: the schema's, or TCP for protocol (Kubernetes defaults it so). */
    static JsonNode keyDefault(SchemaView itemSchema, String key) {
        SchemaView keySchema = child(itemSchema, key);
        if (keySchema != null && keySchema.target().node().has("default")) {
            return keySchema.target().node().get("default");
        }
        if ("protocol".equals(key)) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf("TCP");
        }
        return null;
    }
}
