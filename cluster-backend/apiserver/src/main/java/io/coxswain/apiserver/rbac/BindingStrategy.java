package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.registry.ResourceStrategy;

import java.util.List;

/**
 * RoleBinding and ClusterRoleBinding: a binding's roleRef never changes, as kube's RBAC validation says; delete the
 * binding and create a new one.
 */
public final class BindingStrategy implements ResourceStrategy {

    private final String kind;

    public BindingStrategy(String kind) {
        this.kind = kind;
    }

    @Override
    public void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
        JsonNode was = current.path("roleRef");
        if (!was.equals(next.path("roleRef"))) {
            throw ApiException.invalid("rbac.authorization.k8s.io", kind, next.path("metadata").path("name").asText(""),
                    List.of(new ApiException.Cause("FieldValueInvalid", "Invalid value: rbac.RoleRef{APIGroup:\""
                            + was.path("apiGroup").asText() + "\", Kind:\"" + was.path("kind").asText() + "\", Name:\""
                            + was.path("name").asText() + "\"}: cannot change roleRef", "roleRef")));
        }
    }
}
