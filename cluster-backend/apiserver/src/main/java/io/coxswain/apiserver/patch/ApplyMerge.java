package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.SchemaView;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges an applied configuration into the live object the way structured-merge-diff does: maps field
 * by field (unless atomic), list-maps by their keys and sets by value, atomic lists and scalars replaced.
 */
final class ApplyMerge {

    private ApplyMerge() {
    }

    static JsonNode merge(JsonNode live, JsonNode config, SchemaView schema) {
        if (live == null || live.isNull()) {
            return config.deepCopy();
        }
        if (config.isObject() && live.isObject() && !ListSchema.atomicMap(schema)) {
            ObjectNode out = ((ObjectNode) live).deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), merge(live.get(e.getKey()), e.getValue(), ListSchema.child(schema, e.getKey())));
            }
            return out;
        }
        if (config.isArray() && live.isArray() && !"atomic".equals(ListSchema.listType(schema))) {
            return mergeList((ArrayNode) live, (ArrayNode) config, schema);
        }
        return config.deepCopy();
    }

    /**
     * structured-merge-diff's visitListItems: items only the live list has stay where they are, items
     * both have come in the applied order, and new items follow the applied items they come after.
     */
    private static JsonNode mergeList(ArrayNode live, ArrayNode config, SchemaView schema) {
        List<String> lhs = new ArrayList<>();
        List<String> rhs = new ArrayList<>();
        Map<String, JsonNode> lhsItems = new LinkedHashMap<>();
        Map<String, JsonNode> rhsItems = new LinkedHashMap<>();
        if (!index(live, schema, lhs, lhsItems) || !index(config, schema, rhs, rhsItems)) {
            return config.deepCopy();
        }
        SchemaView items = ListSchema.items(schema);
        Deque<String> sharedOrder = new ArrayDeque<>();
        for (String pe : rhs) {
            if (lhsItems.containsKey(pe)) {
                sharedOrder.add(pe);
            }
        }
        String nextShared = sharedOrder.poll();
        Set<String> mergedRhs = new HashSet<>();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int l = 0;
        int r = 0;
        while (l < lhs.size() || r < rhs.size()) {
            if (l < lhs.size() && r < rhs.size()) {
                String pe = lhs.get(l);
                if (pe.equals(rhs.get(r))) {
                    mergedRhs.add(pe);
                    out.add(merge(lhsItems.get(pe), rhsItems.get(pe), items));
                    l++;
                    r++;
                    nextShared = pe.equals(nextShared) ? sharedOrder.poll() : nextShared;
                    continue;
                }
                if (rhsItems.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
                    // Shared, but not the one wanted next: it is emitted when the applied list reaches it.
                    l++;
                    continue;
                }
            }
            if (l < lhs.size()) {
                String pe = lhs.get(l);
                if (!rhsItems.containsKey(pe)) {
                    out.add(lhsItems.get(pe));
                    l++;
                    continue;
                }
                if (mergedRhs.contains(pe)) {
                    l++;
                    continue;
                }
            }
            if (r < rhs.size()) {
                String pe = rhs.get(r);
                mergedRhs.add(pe);
                out.add(merge(lhsItems.get(pe), rhsItems.get(pe), items));
                r++;
                nextShared = pe.equals(nextShared) ? sharedOrder.poll() : nextShared;
            }
        }
        return out;
    }

    /** Keys every item; false when some item has no key, so the list can only be replaced. */
    private static boolean index(ArrayNode list, SchemaView schema, List<String> order, Map<String, JsonNode> items) {
        for (JsonNode item : list) {
            String pe = FieldWalk.itemElement(item, schema);
            if (pe == null) {
                return false;
            }
            if (items.putIfAbsent(pe, item) == null) {
                order.add(pe);
            }
        }
        return true;
    }
}
