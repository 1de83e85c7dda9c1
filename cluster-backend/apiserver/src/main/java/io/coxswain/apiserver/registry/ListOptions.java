package io.coxswain.apiserver.registry;

import io.coxswain.api.FieldSelector;
import io.coxswain.api.LabelSelector;

/** A list or watch request's selectors and paging. */
public record ListOptions(LabelSelector labels, FieldSelector fields, int limit, String continueToken) {

    public boolean matches(com.fasterxml.jackson.databind.JsonNode object) {
        return labels.matches(object.path("metadata").path("labels")) && fields.matches(object);
    }

    public boolean selects() {
        return !labels.isEverything() || !fields.isEverything();
    }
}
