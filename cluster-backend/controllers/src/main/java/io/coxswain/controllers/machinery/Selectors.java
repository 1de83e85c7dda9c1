package io.coxswain.controllers.machinery;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.List;
import java.util.Map;

/** metav1.LabelSelectorAsSelector: matchLabels and matchExpressions against an object's labels. */
public final class Selectors {

    private Selectors() {
    }

    /** Whether the labels satisfy the selector; a null selector matches nothing, an empty one everything. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(have.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                if (!matches(r, have)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** labels.SelectorFromSet, a Service's or ReplicationController's selector: every key with its value. */
    public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    }

    /** Whether the selector selects nothing at all (apps/v1 rejects it; controllers then do nothing). */
    public static boolean isEmpty(LabelSelector selector) {
        return selector == null || (empty(selector.getMatchLabels()) && empty(selector.getMatchExpressions()));
    }

    private static boolean empty(Map<?, ?> m) {
        return m == null || m.isEmpty();
    }

    private static boolean empty(List<?> l) {
        return l == null || l.isEmpty();
    }

    private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> labels.containsKey(r.getKey());
            case "DoesNotExist" -> !labels.containsKey(r.getKey());
            default -> false;
        };
    }
}
