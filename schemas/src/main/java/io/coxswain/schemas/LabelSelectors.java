package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.Set;

/** Evaluates a LabelSelector (matchLabels and matchExpressions) against a set of labels. */
public final class LabelSelectors {

    private LabelSelectors() {
    }

    /** True when the selector selects nothing in particular: no matchLabels and no matchExpressions. */
    public static boolean isEmpty(JsonNode selector) {
        return selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty();
    }

    /** A plain map of labels (a ReplicationController's or a Service's selector) as the LabelSelector it means: matchLabels only. */
    public static JsonNode ofMap(JsonNode labels) {
        ObjectNode selector = JsonNodeFactory.instance.objectNode();
        selector.set("matchLabels", labels == null || !labels.isObject() ? selector.objectNode() : labels);
        return selector;
    }

    /**
     * A selector as a LabelSelector: a plain map of labels (every value a string, as in a ReplicationController) becomes
     * {@link #ofMap matchLabels only}; a LabelSelector, whose fields hold objects and lists, is returned as it is.
     */
    public static JsonNode asLabelSelector(JsonNode selector) {
        if (selector == null || !selector.isObject()) {
            return selector;
        }
        for (JsonNode value : selector) {
            if (!value.isTextual()) {
                return selector;
            }
        }
        return ofMap(selector);
    }

    public static boolean matches(JsonNode selector, JsonNode labels) {
        var wanted = selector.path("matchLabels").fields();
        while (wanted.hasNext()) {
            var e = wanted.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        for (JsonNode requirement : selector.path("matchExpressions")) {
            String key = requirement.path("key").asText();
            JsonNode actual = labels.get(key);
            Set<String> values = new HashSet<>();
            requirement.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (requirement.path("operator").asText()) {
                case "In" -> actual != null && values.contains(actual.asText());
                case "NotIn" -> actual == null || !values.contains(actual.asText());
                case "Exists" -> actual != null;
                case "DoesNotExist" -> actual == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
