package io.coxswain.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.auth.UserInfo;

/**
 * What one kind adds to the generic verbs, as kube-apiserver's RESTCreateStrategy and RESTUpdateStrategy: fields
 * the server sets, what a subresource may change, and the kind's own validation. The generic registry calls it for
 * every kind; a kind without one gets {@link #NONE}. Validation throws an {@code ApiException}.
 */
public interface ResourceStrategy {

    ResourceStrategy NONE = new ResourceStrategy() {
    };

    /** PrepareForCreate: before admission; {@code user} is who asks, or null for the server itself. */
    default void prepareForCreate(ObjectNode object, UserInfo user) {
    }

    /** Validate, after the schemas have admitted the object. */
    default void validate(ObjectNode object) {
    }

    /**
     * PrepareForUpdate: {@code next} is what the request would store (for a subresource, the current object with the
     * request's status); the strategy puts back what this path may not change. {@code subresource} is null for the
     * object itself.
     */
    default void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
    }

    /** ValidateUpdate, after the schemas have admitted {@code next}. */
    default void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
    }
}
