package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code $setElementOrder/<list>} directive, as strategicpatch's normalizeElementOrder does it: the
 * elements the directive names take its order; elements only the server has keep their live order and
 * are interleaved with the others by that live order, best effort.
 */
final class ElementOrder {

    private ElementOrder() {
    }

    /**
     * @param merged   the list after merging
     * @param wanted   the directive's list: merge-key maps, or the values of a primitive list
     * @param live     the list before merging, which orders server-only elements
     * @param mergeKey the merge key, or null for a primitive list
     */
    static ArrayNode apply(ArrayNode merged, JsonNode wanted, JsonNode live, String mergeKey) {
        List<JsonNode> patched = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode element : merged) {
            (index(wanted, element, mergeKey) >= 0 ? patched : serverOnly).add(element);
        }
        patched.sort(Comparator.comparingInt(e -> index(wanted, e, mergeKey)));
        serverOnly.sort(Comparator.comparingInt(e -> index(live, e, mergeKey)));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int i = 0;
        int j = 0;
        while (i < serverOnly.size() || j < patched.size()) {
            if (j >= patched.size()) {
                out.add(serverOnly.get(i++));
            } else if (i >= serverOnly.size()) {
                out.add(patched.get(j++));
            } else {
                int li = index(live, serverOnly.get(i), mergeKey);
                int ri = index(live, patched.get(j), mergeKey);
                // A server-only element goes first only if the live list had it before the patched one.
                out.add(li >= 0 && ri >= 0 && li < ri ? serverOnly.get(i++) : patched.get(j++));
            }
        }
        return out;
    }

    private static int index(JsonNode list, JsonNode element, String mergeKey) {
        if (list == null || !list.isArray()) {
            return -1;
        }
        if (mergeKey == null) {
            for (int i = 0; i < list.size(); i++) {
                if (JsonValues.equal(list.get(i), element)) {
                    return i;
                }
            }
            return -1;
        }
        JsonNode key = element.get(mergeKey);
        return key == null ? -1 : StrategicMergePatch.indexByKey(list, mergeKey, key);
    }
}
