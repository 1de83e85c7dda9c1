package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.SchemaView;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The member paths of an object and the value at each, after structured-merge-diff's ToFieldSet: scalars,
 * atomic lists and maps, list items, map entries that are not schema fields, and empty or null fields
 * are members; a schema field holding a non-empty object is only a way down.
 */
final class FieldWalk {

    /** Fields that no manager owns, as Kubernetes strips them (plus status, reset on the main resource). */
    private static final Set<String> IGNORED_TOP = Set.of("f:apiVersion", "f:kind", "f:status");
    private static final Set<String> IGNORED_META = Set.of("f:name", "f:namespace", "f:creationTimestamp", "f:selfLink",
            "f:uid", "f:clusterName", "f:generation", "f:managedFields", "f:resourceVersion");

    private final Map<List<String>, JsonNode> members = new LinkedHashMap<>();

    private FieldWalk() {
    }

    /** Member paths of an object and their values, without the ignored fields. */
    static Map<List<String>, JsonNode> members(JsonNode obj, SchemaView schema) {
        FieldWalk walk = new FieldWalk();
        if (obj != null && !obj.isNull()) {
            walk.walk(obj, schema, new ArrayList<>());
        }
        walk.members.keySet().removeIf(FieldWalk::ignored);
        return walk.members;
    }

    static boolean ignored(List<String> path) {
        return !path.isEmpty() && (IGNORED_TOP.contains(path.get(0))
                || path.size() >= 2 && "f:metadata".equals(path.get(0)) && IGNORED_META.contains(path.get(1)));
    }

    private void walk(JsonNode value, SchemaView schema, List<String> path) {
        if (value.isObject() && !ListSchema.atomicMap(schema)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> child = append(path, "f:" + e.getKey());
                JsonNode v = e.getValue();
                walk(v, ListSchema.child(schema, e.getKey()), child);
                boolean declared = schema != null && schema.properties().containsKey(e.getKey());
                if (v.isNull() || (v.isObject() && v.isEmpty()) || !declared) {
                    members.put(child, v);
                }
            }
            return;
        }
        String listType = ListSchema.listType(schema);
        if (value.isArray() && !"atomic".equals(listType)) {
            SchemaView items = ListSchema.items(schema);
            for (JsonNode item : value) {
                String pe = itemElement(item, schema);
                if (pe == null) {
                    // An item that cannot be keyed: own the list as a whole, as for an atomic list.
                    members.put(path, value);
                    return;
                }
                List<String> child = append(path, pe);
                if (pe.startsWith("k:")) {
                    walk(item, items, child);
                }
                members.put(child, item);
            }
            return;
        }
        members.put(path, value);
    }

    /** The path element of a list item: {@code k:{...}} for a list-map, {@code v:...} for a set; null if neither fits. */
    static String itemElement(JsonNode item, SchemaView listSchema) {
        String listType = ListSchema.listType(listSchema);
        if ("set".equals(listType)) {
            return item.isContainerNode() ? null : "v:" + item;
        }
        if (!"map".equals(listType) || !item.isObject()) {
            return null;
        }
        List<String> keys = new ArrayList<>(ListSchema.listMapKeys(listSchema));
        keys.sort(null);
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        for (String k : keys) {
            JsonNode v = item.get(k);
            if (v == null || v.isNull()) {
                v = ListSchema.keyDefault(ListSchema.items(listSchema), k);
            }
            if (v != null) {
                key.set(k, v);
            }
        }
        return key.isEmpty() ? null : "k:" + key;
    }

    static List<String> append(List<String> path, String pe) {
        List<String> out = new ArrayList<>(path.size() + 1);
        out.addAll(path);
        out.add(pe);
        return out;
    }
}
