package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.api.ApiException.Cause;
import io.coxswain.apiserver.registry.ResourceStrategy;

import java.util.ArrayList;
import java.util.List;

/**
 * ConfigMap's update validation, as kube's {@code ValidateConfigMapUpdate}: once {@code immutable} is true, neither it
 * nor {@code data} nor {@code binaryData} may change; the ConfigMap can only be deleted and made again.
 */
public final class ConfigMapStrategy implements ResourceStrategy {

    private static final String FORBIDDEN = "Forbidden: field is immutable when `immutable` is set";

    @Override
    public void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
        if (subresource != null || !current.path("immutable").asBoolean(false)) {
            return;
        }
        List<Cause> causes = new ArrayList<>();
        if (!next.path("immutable").asBoolean(false)) {
            causes.add(new Cause("FieldValueForbidden", FORBIDDEN, "immutable"));
        }
        for (String field : List.of("data", "binaryData")) {
            if (!entries(current, field).equals(entries(next, field))) {
                causes.add(new Cause("FieldValueForbidden", FORBIDDEN, field));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("", "ConfigMap", next.path("metadata").path("name").asText(""), causes);
        }
    }

    /** The map at {@code field}, where a missing, null or empty one are the same (Go's nil and empty map). */
    private static JsonNode entries(ObjectNode object, String field) {
        JsonNode node = object.path(field);
        return node.isObject() && !node.isEmpty() ? node : MissingNode.getInstance();
    }
}
