package io.coxswain.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A label selector, from its string form ({@code app=web,tier in (a,b),!canary}) or from a LabelSelector
 * object (matchLabels and matchExpressions). Every requirement must hold.
 */
public final class LabelSelector {

    public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    public record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(JsonNode labels) {
            JsonNode value = labels == null ? null : labels.get(key);
            String v = value == null || value.isNull() ? null : value.asText();
            return switch (operator) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
            };
        }
    }

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());
    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public static LabelSelector everything() {
        return EVERYTHING;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    public boolean matches(JsonNode labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Parses the query-string form; a malformed selector is a 400, as kube-apiserver answers. */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String term : splitTerms(text)) {
            out.add(term(term.trim(), text));
        }
        return new LabelSelector(out);
    }

    /** Reads matchLabels and matchExpressions; a null or missing selector selects nothing in Kubernetes, so it is not allowed here. */
    public static LabelSelector fromObject(JsonNode selector) {
        List<Requirement> out = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(e ->
                out.add(new Requirement(e.getKey(), Operator.EQUALS, Set.of(e.getValue().asText()))));
        for (JsonNode expr : selector.path("matchExpressions")) {
            Set<String> values = new LinkedHashSet<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            Operator op = switch (expr.path("operator").asText()) {
                case "In" -> Operator.IN;
                case "NotIn" -> Operator.NOT_IN;
                case "Exists" -> Operator.EXISTS;
                case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                default -> throw ApiException.badRequest("unknown label selector operator " + expr.path("operator"));
            };
            out.add(new Requirement(expr.path("key").asText(), op, values));
        }
        return new LabelSelector(out);
    }

    /** Splits on commas outside parentheses. */
    private static List<String> splitTerms(String text) {
        List<String> terms = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                terms.add(text.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(text.substring(start));
        return terms;
    }

    private static Requirement term(String term, String whole) {
        if (term.isEmpty()) {
            throw invalid(whole, "empty requirement");
        }
        String[] words = term.split("\\s+");
        if (words.length >= 2 && (words[1].equals("in") || words[1].equals("notin"))) {
            String rest = term.substring(term.indexOf(words[1]) + words[1].length()).trim();
            if (!rest.startsWith("(") || !rest.endsWith(")")) {
                throw invalid(whole, "expected a parenthesised value list after " + words[1]);
            }
            Set<String> values = new LinkedHashSet<>();
            for (String v : rest.substring(1, rest.length() - 1).split(",")) {
                values.add(v.trim());
            }
            return new Requirement(key(words[0], whole), words[1].equals("in") ? Operator.IN : Operator.NOT_IN, values);
        }
        int ne = term.indexOf("!=");
        if (ne > 0) {
            return new Requirement(key(term.substring(0, ne).trim(), whole), Operator.NOT_EQUALS,
                    Set.of(term.substring(ne + 2).trim()));
        }
        int eq = term.indexOf('=');
        if (eq > 0) {
            String value = term.substring(term.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
            return new Requirement(key(term.substring(0, eq).trim(), whole), Operator.EQUALS, Set.of(value));
        }
        if (term.startsWith("!")) {
            return new Requirement(key(term.substring(1).trim(), whole), Operator.DOES_NOT_EXIST, Set.of());
        }
        return new Requirement(key(term, whole), Operator.EXISTS, Set.of());
    }

    private static String key(String key, String whole) {
        if (key.isEmpty() || !key.matches("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw invalid(whole, "invalid label key \"" + key + "\"");
        }
        return key;
    }

    private static ApiException invalid(String whole, String why) {
        return ApiException.badRequest("unable to parse requirement: " + why + " in label selector \"" + whole + "\"");
    }
}
