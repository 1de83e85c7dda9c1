package io.coxswain.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A field selector ({@code metadata.name=web,status.phase!=Running}). Only = , == and != exist, and only
 * the fields a resource declares may be used, as in kube-apiserver.
 */
public final class FieldSelector {

    public record Requirement(String field, boolean equals, String value) {
    }

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
    private final List<Requirement> requirements;

    private FieldSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    /** @param supported the field paths this resource accepts besides metadata.name and metadata.namespace */
    public static FieldSelector parse(String text, Set<String> supported) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String term : text.split(",")) {
            int ne = term.indexOf("!=");
            int eq = term.indexOf('=');
            if (eq < 0) {
                throw ApiException.badRequest("invalid field selector: '" + term + "': expected an operator");
            }
            boolean equals = ne < 0 || ne > eq;
            String field = (equals ? term.substring(0, eq) : term.substring(0, ne)).trim();
            String value = equals ? term.substring(term.startsWith("==", eq) ? eq + 2 : eq + 1) : term.substring(ne + 2);
            if (!field.equals("metadata.name") && !field.equals("metadata.namespace") && !supported.contains(field)) {
                throw ApiException.badRequest("field label not supported: " + field);
            }
            out.add(new Requirement(field, equals, value.trim()));
        }
        return new FieldSelector(out);
    }

    public boolean matches(JsonNode object) {
        for (Requirement r : requirements) {
            JsonNode node = object;
            for (String part : r.field().split("\\.")) {
                node = node.path(part);
            }
            String actual = node.isMissingNode() || node.isNull() ? "" : node.asText();
            if (actual.equals(r.value()) != r.equals()) {
                return false;
            }
        }
        return true;
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }
}
