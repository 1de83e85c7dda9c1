package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;

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
