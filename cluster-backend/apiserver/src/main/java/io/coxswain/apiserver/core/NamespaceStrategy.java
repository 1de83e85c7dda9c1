package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.admission.PodSecurity;
import io.coxswain.apiserver.registry.ResourceStrategy;

/**
 * Namespace, as kube's namespace strategy and its finalize REST: an update keeps {@code spec.finalizers}, which only
 * the {@code finalize} subresource changes; deleting marks the namespace Terminating and leaves it to the namespace
 * controller, which empties it and then removes its {@code kubernetes} finalizer; the namespace goes when its
 * {@code spec.finalizers} and {@code metadata.finalizers} are both empty. Its Pod Security labels must name a level.
 */
public final class NamespaceStrategy implements ResourceStrategy {

    @Override
    public void validate(ObjectNode object) {
        PodSecurity.validateNamespace(object);
    }

    @Override
    public void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
        PodSecurity.validateNamespace(next);
    }

    @Override
    public ObjectNode subresourceUpdate(String subresource, ObjectNode current, ObjectNode body) {
        if (!"finalize".equals(subresource)) {
            return ResourceStrategy.super.subresourceUpdate(subresource, current, body);
        }
        // finalizeStrategy: only spec.finalizers changes
        ObjectNode next = current.deepCopy();
        JsonNode finalizers = body.path("spec").path("finalizers");
        ObjectNode spec = next.with("spec");
        if (finalizers.isArray() && !finalizers.isEmpty()) {
            spec.set("finalizers", finalizers);
        } else {
            spec.remove("finalizers");
        }
        return next;
    }

    @Override
    public void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
        if (subresource != null) {
            return;
        }
        JsonNode finalizers = current.path("spec").path("finalizers");
        ObjectNode spec = next.with("spec");
        if (finalizers.isMissingNode()) {
            spec.remove("finalizers");
        } else {
            spec.set("finalizers", finalizers);
        }
    }

    @Override
    public boolean deletionHeld(ObjectNode object) {
        return !object.path("spec").path("finalizers").isEmpty();
    }

    @Override
    public void prepareForDelete(ObjectNode object) {
        object.with("status").put("phase", "Terminating");
    }
}
