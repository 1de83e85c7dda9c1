package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;

/** Names JSON values the way error messages speak of them. */
final class JsonTypes {

    private JsonTypes() {
    }

    static String name(JsonNode node) {
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isIntegralNumber()) {
            return "integer";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isNull()) {
            return "null";
        }
        return "string";
    }

    /** The type and, for a scalar, a short rendering of the value. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isContainerNode()) {
            return "an " + name(node);
        }
        String shown = node.isTextual() ? "\"" + abbreviate(node.asText()) + "\"" : node.asText();
        return name(node) + " " + shown;
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
