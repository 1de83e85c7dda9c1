package io.coxswain.ls.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The live object without what the server added: only the fields some manager owns (managedFields), so defaults,
 * status and bookkeeping drop out; without managedFields, only the fields the document itself has.
 */
final class LiveDiff {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Cluster components: what they own (revision annotations, status) is the server's doing, not the author's. */
    private static final List<String> COMPONENTS = List.of("kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy");
    private static final List<String> BOOKKEEPING = List.of("managedFields", "uid", "resourceVersion", "generation",
            "creationTimestamp", "selfLink");

    private LiveDiff() {
    }

    static JsonNode withoutServerFields(JsonNode live, JsonNode local) {
        List<JsonNode> owned = new ArrayList<>();
        for (JsonNode manager : live.path("metadata").path("managedFields")) {
            if (manager.path("fieldsV1").isObject() && !manager.path("subresource").asText("").equals("status")
                    && !COMPONENTS.contains(manager.path("manager").asText())) {
                owned.add(manager.path("fieldsV1"));
            }
        }
        JsonNode kept = owned.isEmpty() ? shapedLike(live, local) : owned(live, owned);
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
        metadata.set("name", live.path("metadata").path("name"));
        if (local.path("metadata").has("namespace")) {
            metadata.set("namespace", live.path("metadata").path("namespace"));
        }
        kept.path("metadata").fields().forEachRemaining(f -> {
            if (!BOOKKEEPING.contains(f.getKey())) {
                metadata.set(f.getKey(), f.getValue());
            }
        });
        if (metadata.path("annotations").isObject()) {
            ((ObjectNode) metadata.get("annotations")).remove("kubectl.kubernetes.io/last-applied-configuration");
            if (metadata.get("annotations").isEmpty()) {
                metadata.remove("annotations");
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("apiVersion", live.path("apiVersion"));
        out.set("kind", live.path("kind"));
        out.set("metadata", metadata);
        kept.fields().forEachRemaining(f -> {
            if (!out.has(f.getKey()) && !"status".equals(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        });
        return out;
    }

    /** The parts of a value that the field sets (fieldsV1, one per manager, at this level) name. */
    private static JsonNode owned(JsonNode value, List<JsonNode> sets) {
        if (sets.stream().anyMatch(s -> s.isObject() && s.isEmpty())) {
            return value.deepCopy();
        }
        if (value.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                var field = it.next();
                List<JsonNode> child = sets.stream().map(s -> s.get("f:" + field.getKey())).filter(c -> c != null).toList();
                if (!child.isEmpty()) {
                    out.set(field.getKey(), owned(field.getValue(), child));
                }
            }
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                List<JsonNode> child = new ArrayList<>();
                for (JsonNode set : sets) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext(); ) {
                        var entry = it.next();
                        if (itemMatches(entry.getKey(), item, i)) {
                            child.add(entry.getValue());
                        }
                    }
                }
                if (!child.isEmpty()) {
                    out.add(owned(item, child));
                }
            }
            return out;
        }
        return value.deepCopy();
    }

    /** A list item's name in fieldsV1: {@code k:{"name":"web"}} by its keys, {@code v:"x"} by value, {@code i:0} by index. */
    private static boolean itemMatches(String name, JsonNode item, int index) {
        try {
            if (name.startsWith("k:")) {
                JsonNode keys = JSON.readTree(name.substring(2));
                for (Iterator<Map.Entry<String, JsonNode>> it = keys.fields(); it.hasNext(); ) {
                    var key = it.next();
                    if (!key.getValue().equals(item.get(key.getKey()))) {
                        return false;
                    }
                }
                return true;
            }
            if (name.startsWith("v:")) {
                return JSON.readTree(name.substring(2)).equals(item);
            }
            if (name.startsWith("i:")) {
                return Integer.parseInt(name.substring(2)) == index;
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    /** The live value cut to the shape of the document's: its keys, and as many list items. */
    private static JsonNode shapedLike(JsonNode live, JsonNode local) {
        if (live.isObject() && local.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            local.fieldNames().forEachRemaining(name -> {
                if (live.has(name)) {
                    out.set(name, shapedLike(live.get(name), local.get(name)));
                }
            });
            return out;
        }
        if (live.isArray() && local.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < live.size(); i++) {
                out.add(i < local.size() ? shapedLike(live.get(i), local.get(i)) : live.get(i).deepCopy());
            }
            return out;
        }
        return live.deepCopy();
    }
}
