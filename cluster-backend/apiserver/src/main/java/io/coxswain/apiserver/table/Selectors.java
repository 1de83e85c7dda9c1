package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Go's {@code labels.FormatLabels}, {@code LabelSelectorAsSelector(...).String()} and {@code FormatLabelSelector}. */
public final class Selectors {

    private Selectors() {
    }

    /** A map of labels as "a=b,c=d", sorted by key; "&lt;none&gt;" when empty. */
    static String formatLabels(JsonNode labels) {
        TreeMap<String, String> sorted = new TreeMap<>();
        if (labels != null && labels.isObject()) {
            labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        }
        if (sorted.isEmpty()) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            parts.add(e.getKey() + "=" + e.getValue());
        }
        return String.join(",", parts);
    }

    /** {@code metav1.FormatLabelSelector}: the selector string, "&lt;none&gt;" when empty, "&lt;error&gt;" when invalid. */
    static String formatLabelSelector(JsonNode selector) {
        String s = selectorString(selector);
        if (s == null) {
            return "<error>";
        }
        return s.isEmpty() ? "<none>" : s;
    }

    /**
     * {@code LabelSelectorAsSelector(selector).String()}: requirements sorted by key, "" for a nil or empty selector,
     * null when an operator is invalid.
     */
    public static String selectorString(JsonNode selector) {
        if (selector == null || !selector.isObject()) {
            return "";
        }
        record Requirement(String key, String text) {
        }
        List<Requirement> reqs = new ArrayList<>();
        selector.path("matchLabels").fields()
                .forEachRemaining(e -> reqs.add(new Requirement(e.getKey(), e.getKey() + "=" + e.getValue().asText())));
        for (JsonNode expr : selector.path("matchExpressions")) {
            String key = expr.path("key").asText();
            List<String> values = new ArrayList<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            values.sort(Comparator.naturalOrder());
            String text = switch (expr.path("operator").asText()) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> null;
            };
            if (text == null) {
                return null;
            }
            reqs.add(new Requirement(key, text));
        }
        reqs.sort(Comparator.comparing(Requirement::key));
        List<String> parts = new ArrayList<>();
        reqs.forEach(r -> parts.add(r.text()));
        return String.join(",", parts);
    }
}
