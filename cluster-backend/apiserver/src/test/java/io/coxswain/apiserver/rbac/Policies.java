package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;

/** The tests' way to fill an in-memory policy: the bootstrap roles and bindings, then whatever a test adds. */
final class Policies {

    private Policies() {
    }

    static void bootstrap(RbacPolicy policy) {
        BootstrapPolicy.items().forEach(i -> put(policy, java.util.Arrays.stream(RbacPolicy.Kind.values())
                .filter(k -> k.plural().equals(i.plural())).findFirst().orElseThrow(), i.object()));
    }

    static void put(RbacPolicy policy, RbacPolicy.Kind kind, JsonNode object) {
        policy.apply(kind, object.path("metadata").path("namespace").asText(null), object.path("metadata").path("name").asText(), object);
    }
}
