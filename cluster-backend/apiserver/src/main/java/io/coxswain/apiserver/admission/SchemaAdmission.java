package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.schemas.ManifestValidator;
import io.coxswain.schemas.ProblemCategory;
import io.coxswain.schemas.ValidationProblem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates every written object with the same schemas as the editor. Unknown fields follow
 * {@code fieldValidation}: Strict refuses them with 400, Warn and Ignore drop them (Warn says so in a
 * Warning header). Wrong types are 400, as a failed decode is in Kubernetes; every other problem is a 422
 * with one cause per field.
 */
public final class SchemaAdmission {

    private final ManifestValidator validator;

    public SchemaAdmission(ManifestValidator validator) {
        this.validator = validator;
    }

    /** @return warnings for the response's Warning headers */
    public List<String> admit(ResourceInfo resource, ObjectNode object, FieldValidation mode) {
        List<ValidationProblem> problems = validator.validate(object).problems();
        List<ValidationProblem> unknown = problems.stream().filter(p -> p.category() == ProblemCategory.UNKNOWN_FIELD).toList();
        List<String> warnings = new ArrayList<>();
        if (!unknown.isEmpty()) {
            List<String> names = unknown.stream().map(p -> "unknown field \"" + p.fieldPath() + "\"").toList();
            if (mode == FieldValidation.STRICT) {
                throw ApiException.badRequest("strict decoding error: " + String.join(", ", names));
            }
            if (mode == FieldValidation.WARN) {
                warnings.addAll(names);
            }
            // Deepest first, so that removing one never shifts the pointer of another in the same list.
            unknown.stream().sorted(Comparator.comparing(ValidationProblem::pointer).reversed())
                    .forEach(p -> remove(object, p.pointer()));
        }
        String name = object.path("metadata").path("name").asText("");
        List<ValidationProblem> types = problems.stream().filter(p -> p.category() == ProblemCategory.TYPE).toList();
        if (!types.isEmpty()) {
            ValidationProblem first = types.get(0);
            throw ApiException.badRequest(resource.kind() + " in version \"" + resource.gvk().version() + "\" cannot be handled as a "
                    + resource.kind() + ": " + first.fieldPath() + ": " + first.message());
        }
        List<ApiException.Cause> causes = new ArrayList<>();
        for (ValidationProblem p : problems) {
            if (p.category() != ProblemCategory.UNKNOWN_FIELD) {
                causes.add(new ApiException.Cause(reason(p.category()), fieldError(p, object.at(p.pointer())), p.fieldPath()));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid(resource.gvk().group(), resource.kind(), name, causes);
        }
        return warnings;
    }

    private static final Pattern MISSING = Pattern.compile("^required field \"[^\"]*\" is missing(?:: (.*))?$");
    private static final Pattern RANGE = Pattern.compile("^.* is out of range: (.*)$");
    private static final Pattern NOT_ONE_OF = Pattern.compile("^unsupported value .*?: must be (?:one of )?(.*)$");

    /**
     * A schema problem in the shape of kube's {@code field.Error} body, which clients read: {@code Required value},
     * {@code Unsupported value: "X": supported values: "A", "B"}, {@code Invalid value: -1: <why>}; the why is ours.
     */
    static String fieldError(ValidationProblem p, JsonNode value) {
        String message = p.message();
        if (p.category() == ProblemCategory.REQUIRED) {
            Matcher m = MISSING.matcher(message);
            return m.matches() && m.group(1) != null ? "Required value: " + m.group(1) : "Required value";
        }
        if (p.category() == ProblemCategory.ENUM) {
            Matcher m = NOT_ONE_OF.matcher(message);
            if (m.matches()) {
                return "Unsupported value: " + goValue(value) + ": supported values: " + m.group(1);
            }
        }
        if (p.category() == ProblemCategory.DUPLICATE) {
            return "Duplicate value: " + goValue(value);
        }
        return "Invalid value: " + goValue(value) + ": " + why(message);
    }

    /** Our message without the value it starts by naming, which the Invalid value part already shows. */
    private static String why(String message) {
        Matcher m = RANGE.matcher(message);
        if (m.matches()) {
            // kube's words for a bound, as in validation.ValidateNonnegativeField
            String bound = m.group(1).replaceFirst("^must be at least (-?[0-9.]+)$", "must be greater than or equal to $1")
                    .replaceFirst("^must be at most (-?[0-9.]+)$", "must be less than or equal to $1");
            return bound;
        }
        int valid = message.indexOf(" is not valid: ");
        return valid > 0 ? message.substring(valid + " is not valid: ".length()) : message;
    }

    /** A value as field.Error prints it: strings quoted, numbers and booleans bare, anything else as JSON. */
    private static String goValue(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "null";
        }
        return value.isValueNode() && !value.isTextual() ? value.asText() : value.toString();
    }

    private static String reason(ProblemCategory category) {
        return switch (category) {
            case REQUIRED -> "FieldValueRequired";
            case ENUM -> "FieldValueNotSupported";
            case DUPLICATE -> "FieldValueDuplicate";
            case UNKNOWN_KIND -> "FieldValueNotSupported";
            default -> "FieldValueInvalid";
        };
    }

    private static void remove(ObjectNode root, String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String token = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        if (parent instanceof ObjectNode o) {
            o.remove(token);
        } else if (parent instanceof ArrayNode a && token.chars().allMatch(Character::isDigit)) {
            a.remove(Integer.parseInt(token));
        }
    }
}
