package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.SchemaView;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}), after
 * k8s.io/apimachinery/pkg/util/strategicpatch: maps merge, null deletes, lists merge or are replaced as
 * the schema's x-kubernetes-patch-strategy says, and the {@code $patch}, {@code $retainKeys},
 * {@code $setElementOrder/} and {@code $deleteFromPrimitiveList/} directives are honoured.
 * A null schema means unknown: maps then merge as in a JSON merge patch and lists are replaced.
 */
public final class StrategicMergePatch {

    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrategicMergePatch() {
    }

    public static JsonNode apply(JsonNode original, JsonNode patch, SchemaView schemaOfRoot) {
        if (patch == null || !patch.isObject()) {
            throw new PatchException("a strategic merge patch must be a JSON object");
        }
        ObjectNode base = original != null && original.isObject() ? ((ObjectNode) original).deepCopy() : NODES.objectNode();
        ObjectNode merged = mergeMap(base, (ObjectNode) patch.deepCopy(), schemaOfRoot, "");
        // A top-level "$patch: delete" empties the object rather than removing it.
        return merged == null ? NODES.objectNode() : merged;
    }

    /** Merges patch into original (both owned by us, so mutated freely). Returns null when the map is to be deleted. */
    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, SchemaView schema, String at) {
        JsonNode directive = patch.remove(PATCH);
        if (directive != null) {
            switch (directive.asText()) {
                case "replace":
                    return mergeMap(NODES.objectNode(), patch, schema, at);
                case "delete":
                    return null;
                case "merge":
                    break;
                default:
                    throw new PatchException("unknown $patch directive " + directive + " at " + path(at));
            }
        }
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain != null) {
            retainKeys(original, patch, retain, at);
        }
        Map<String, JsonNode> order = new LinkedHashMap<>();
        Map<String, JsonNode> deletions = new LinkedHashMap<>();
        Map<String, JsonNode> listsBefore = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith(SET_ELEMENT_ORDER)) {
                order.put(key.substring(SET_ELEMENT_ORDER.length()), value);
                continue;
            }
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                deletions.put(key.substring(DELETE_FROM_PRIMITIVE_LIST.length()), value);
                continue;
            }
            if (value.isNull()) {
                original.remove(key);
                continue;
            }
            SchemaView child = ListSchema.child(schema, key);
            JsonNode current = original.get(key);
            String childAt = at + "." + key;
            if (value.isObject()) {
                ObjectNode base = current != null && current.isObject() ? (ObjectNode) current : NODES.objectNode();
                ObjectNode merged = mergeMap(base, (ObjectNode) value, child, childAt);
                if (merged == null) {
                    original.remove(key);
                } else {
                    original.set(key, merged);
                }
            } else if (value.isArray()) {
                ArrayNode base = current != null && current.isArray() ? (ArrayNode) current : NODES.arrayNode();
                listsBefore.put(key, base.deepCopy());
                original.set(key, mergeList(base, (ArrayNode) value, child, childAt));
            } else {
                original.set(key, value);
            }
        }
        deletions.forEach((key, values) -> deleteFromPrimitiveList(original, key, values, at));
        order.forEach((key, wanted) -> {
            JsonNode before = listsBefore.containsKey(key) ? listsBefore.get(key) : original.path(key);
            JsonNode list = original.get(key);
            if (list != null && list.isArray() && wanted.isArray()) {
                String mergeKey = ListSchema.patchMergeKey(ListSchema.child(schema, key));
                original.set(key, ElementOrder.apply((ArrayNode) list, wanted, before, mergeKey));
            }
        });
        return original;
    }

    /** $retainKeys: keys of the original that the list does not name are cleared (strategy retainKeys). */
    private static void retainKeys(ObjectNode original, ObjectNode patch, JsonNode retain, String at) {
        if (!retain.isArray()) {
            throw new PatchException("$retainKeys at " + path(at) + " must be a list of field names");
        }
        Set<String> keep = new HashSet<>();
        retain.forEach(k -> keep.add(k.asText()));
        patch.fieldNames().forEachRemaining(k -> {
            if (!k.startsWith("$") && !keep.contains(k)) {
                throw new PatchException("field " + k + " at " + path(at) + " is not listed in $retainKeys");
            }
        });
        original.retain(keep);
    }

    private static void deleteFromPrimitiveList(ObjectNode original, String key, JsonNode values, String at) {
        if (!values.isArray()) {
            throw new PatchException(DELETE_FROM_PRIMITIVE_LIST + key + " at " + path(at) + " must be a list");
        }
        JsonNode list = original.get(key);
        if (list == null || !list.isArray()) {
            return;
        }
        ArrayNode kept = NODES.arrayNode();
        for (JsonNode element : list) {
            if (!containsValue(values, element)) {
                kept.add(element);
            }
        }
        original.set(key, kept);
    }

    private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, SchemaView schema, String at) {
        if (!ListSchema.patchStrategies(schema).contains("merge")) {
            return patch;
        }
        String mergeKey = ListSchema.patchMergeKey(schema);
        SchemaView items = ListSchema.items(schema);
        List<JsonNode> rest = new ArrayList<>();
        boolean replace = false;
        for (JsonNode element : patch) {
            JsonNode directive = element.isObject() ? element.get(PATCH) : null;
            if (directive == null) {
                rest.add(element);
                continue;
            }
            switch (directive.asText()) {
                case "delete":
                    deleteByKey(original, element, mergeKey, at);
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    ((ObjectNode) element).remove(PATCH);
                    rest.add(element);
                    break;
                default:
                    throw new PatchException("unknown $patch directive " + directive + " in list " + path(at));
            }
        }
        if (replace) {
            return NODES.arrayNode().addAll(rest);
        }
        ArrayNode before = original.deepCopy();
        boolean maps = false;
        for (JsonNode element : rest) {
            maps |= element.isObject();
            if (!element.isObject()) {
                // Primitive list with strategy merge: a union that keeps the original's order.
                if (!containsValue(original, element)) {
                    original.add(element);
                }
                continue;
            }
            if (mergeKey == null || !element.has(mergeKey)) {
                throw new PatchException("list " + path(at) + " element " + element + " does not contain declared merge key: "
                        + (mergeKey == null ? "(none)" : mergeKey));
            }
            int index = indexByKey(original, mergeKey, element.get(mergeKey));
            String itemAt = at + "[" + mergeKey + "=" + element.get(mergeKey) + "]";
            if (index >= 0 && original.get(index).isObject()) {
                original.set(index, mergeMap((ObjectNode) original.get(index), (ObjectNode) element, items, itemAt));
            } else {
                ObjectNode added = mergeMap(NODES.objectNode(), (ObjectNode) element, items, itemAt);
                if (added != null) {
                    original.add(added);
                }
            }
        }
        // As strategicpatch's mergeSlice: the patched elements take the patch's order and come before the
        // server-only ones unless the live list had those first (so a new element goes to the front).
        return ElementOrder.apply(original, NODES.arrayNode().addAll(rest), before, maps ? mergeKey : null);
    }

    private static void deleteByKey(ArrayNode original, JsonNode element, String mergeKey, String at) {
        if (mergeKey == null || !element.has(mergeKey)) {
            throw new PatchException("$patch: delete in list " + path(at) + " needs the merge key "
                    + (mergeKey == null ? "(none declared)" : mergeKey));
        }
        for (int i = original.size() - 1; i >= 0; i--) {
            if (JsonValues.equal(original.get(i).get(mergeKey), element.get(mergeKey))) {
                original.remove(i);
            }
        }
    }

    static int indexByKey(JsonNode list, String mergeKey, JsonNode key) {
        for (int i = 0; i < list.size(); i++) {
            if (JsonValues.equal(list.get(i).get(mergeKey), key)) {
                return i;
            }
        }
        return -1;
    }

    static boolean containsValue(JsonNode list, JsonNode value) {
        for (JsonNode element : list) {
            if (JsonValues.equal(element, value)) {
                return true;
            }
        }
        return false;
    }

    private static String path(String at) {
        return at.isEmpty() ? "." : at;
    }
}
