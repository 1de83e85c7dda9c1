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
                causes.add(new ApiException.Cause(reason(p.category()), p.message(), p.fieldPath()));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid(resource.kind(), name, causes);
        }
        return warnings;
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
