package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the validator's errors into problems with a pointer, a category and a message in Kubernetes's manner. */
final class ErrorTranslator {

    private ErrorTranslator() {
    }

    static ValidationProblem translate(SchemaCatalog catalog, Error error) {
        String at = error.getInstanceLocation().toString();
        JsonNode value = error.getInstanceNode();
        JsonNode keywordValue = error.getSchemaNode();
        String keyword = error.getKeyword() == null ? "" : error.getKeyword();
        return switch (keyword) {
            case "type" -> new ValidationProblem(at, "must be " + expected(keywordValue) + ", not " + JsonTypes.describe(value),
                    ProblemCategory.TYPE);
            case "required" -> new ValidationProblem(FieldPath.child(at, error.getProperty()),
                    "required field \"" + error.getProperty() + "\" is missing", ProblemCategory.REQUIRED);
            case "additionalProperties", "unevaluatedProperties" -> new ValidationProblem(FieldPath.child(at, error.getProperty()),
                    "unknown field \"" + FieldPath.fromPointer(FieldPath.child(at, error.getProperty())) + "\"",
                    ProblemCategory.UNKNOWN_FIELD);
            case "enum", "const" -> new ValidationProblem(at, "unsupported value " + JsonTypes.describe(value) + ": must be "
                    + oneOf(keywordValue), ProblemCategory.ENUM);
            case "pattern" -> new ValidationProblem(at, JsonTypes.describe(value) + " is not valid: "
                    + ruleOf(catalog, error), ProblemCategory.PATTERN);
            case "propertyNames" -> {
                String key = error.getProperty() != null ? error.getProperty() : keyFromMessage(error.getMessage());
                yield new ValidationProblem(key == null ? at : FieldPath.child(at, key),
                        "key \"" + key + "\" is not valid: " + ruleOf(catalog, error), ProblemCategory.PATTERN);
            }
            case "format" -> new ValidationProblem(at, JsonTypes.describe(value) + " is not a valid " + keywordValue.asText(),
                    ProblemCategory.FORMAT);
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems",
                    "maxItems", "minProperties", "maxProperties", "multipleOf" ->
                    new ValidationProblem(at, JsonTypes.describe(value) + " is out of range: " + bound(keyword, keywordValue),
                            ProblemCategory.RANGE);
            default -> new ValidationProblem(at, stripLocation(error.getMessage(), at), ProblemCategory.INVALID);
        };
    }

    private static String expected(JsonNode type) {
        if (type == null) {
            return "another type";
        }
        if (type.isArray()) {
            List<String> names = new ArrayList<>();
            type.forEach(t -> names.add(t.asText()));
            return String.join(" or ", names);
        }
        return type.asText();
    }

    private static String oneOf(JsonNode allowed) {
        if (allowed == null) {
            return "one of the allowed values";
        }
        if (!allowed.isArray()) {
            return allowed.toString();
        }
        List<String> shown = new ArrayList<>();
        allowed.forEach(v -> shown.add(v.toString()));
        return (shown.size() == 1 ? "" : "one of ") + String.join(", ", shown);
    }

    private static final Pattern PROPERTY_IN_MESSAGE = Pattern.compile("property '(.*)' name");

    private static String keyFromMessage(String message) {
        Matcher m = PROPERTY_IN_MESSAGE.matcher(String.valueOf(message));
        return m.find() ? m.group(1) : null;
    }

    /**
     * The description of the schema that failed: it says the rule in words. For a pattern that is the
     * schema holding it; for propertyNames, the schema the keyword refers to.
     */
    private static String ruleOf(SchemaCatalog catalog, Error error) {
        String location = String.valueOf(error.getSchemaLocation());
        int hash = location.indexOf('#');
        if (location.startsWith(SchemaCatalog.ID_BASE) && hash > 0) {
            String file = location.substring(SchemaCatalog.ID_BASE.length(), hash);
            String pointer = location.substring(hash + 1);
            if (pointer.endsWith("/pattern")) {
                pointer = pointer.substring(0, pointer.length() - "/pattern".length());
            }
            if (catalog.files().containsKey(file) && catalog.file(file).at(pointer).isObject()) {
                String description = catalog.deref(new SchemaNode(file, catalog.file(file).at(pointer))).description();
                if (description != null && !description.isEmpty()) {
                    return description;
                }
            }
        }
        return "must match " + error.getSchemaNode();
    }

    private static String bound(String keyword, JsonNode limit) {
        return switch (keyword) {
            case "minimum" -> "must be at least " + limit;
            case "maximum" -> "must be at most " + limit;
            case "exclusiveMinimum" -> "must be more than " + limit;
            case "exclusiveMaximum" -> "must be less than " + limit;
            case "minLength" -> "must be at least " + limit + " characters long";
            case "maxLength" -> "must be at most " + limit + " characters long";
            case "minItems" -> "must have at least " + limit + " items";
            case "maxItems" -> "must have at most " + limit + " items";
            default -> keyword + " " + limit;
        };
    }

    private static String stripLocation(String message, String at) {
        String prefix = at + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : String.valueOf(message);
    }
}
