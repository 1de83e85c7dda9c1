package io.coxswain.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.auth.UserInfo;

/**
 * What one kind adds to the generic verbs, as kube-apiserver's RESTCreateStrategy, RESTUpdateStrategy,
 * RESTDeleteStrategy and status strategy together: fields the server sets, what a subresource may change, the kind's
 * own validation, what the object holds outside the store, and how its deletion goes. The generic registry calls it
 * for every kind and never asks which kind it has; a kind without one gets {@link #NONE}. Validation throws an
 * {@code ApiException}.
 */
public interface ResourceStrategy {

    ResourceStrategy NONE = new ResourceStrategy() {
    };

    // ---- create ----

    /** PrepareForCreate: before admission; {@code user} is who asks, or null for the server itself. */
    default void prepareForCreate(ObjectNode object, UserInfo user) {
    }

    /** Validate, after the schemas have admitted the object. */
    default void validate(ObjectNode object) {
    }

    // ---- update ----

    /**
     * What a write to a subresource ({@code status}, {@code finalize}, {@code approval}) makes of the current object:
     * by default the current object with the body's status, as the status strategies of most kinds.
     */
    default ObjectNode subresourceUpdate(String subresource, ObjectNode current, ObjectNode body) {
        ObjectNode next = current.deepCopy();
        if (body.has("status")) {
            next.set("status", body.get("status"));
        } else {
            next.remove("status");
        }
        return next;
    }

    /**
     * PrepareForUpdate: {@code next} is what the request would store (for a subresource, what
     * {@link #subresourceUpdate} made); the strategy puts back what this path may not change. {@code subresource} is
     * null for the object itself.
     */
    default void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
    }

    /** ValidateUpdate, after the schemas have admitted {@code next}. */
    default void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
    }

    // ---- what the object holds outside the store ----

    /** Takes what the object needs beside its stored form (a Service's cluster IP and node ports), before it is stored. */
    default void allocate(ObjectNode object) {
    }

    /** Gives back what {@link #allocate} took: the create failed or was a dry run, or the object is gone. */
    default void release(ObjectNode object) {
    }

    // ---- delete ----

    /**
     * CheckGracefulDelete: the seconds the object lingers with a deletionTimestamp before it goes, 0 to delete it at
     * once. {@code requested} is the request's gracePeriodSeconds, or null.
     */
    default long gracePeriod(ObjectNode object, Long requested) {
        return 0;
    }

    /**
     * Whether something of the kind's own, beside {@code metadata.finalizers}, still holds an object being deleted
     * (kube's ShouldDeleteDuringUpdate turned round): a Namespace's {@code spec.finalizers}.
     */
    default boolean deletionHeld(ObjectNode object) {
        return false;
    }

    /** BeforeDelete, when the object is marked for deletion rather than removed: a Namespace turns Terminating. */
    default void prepareForDelete(ObjectNode object) {
    }
}
