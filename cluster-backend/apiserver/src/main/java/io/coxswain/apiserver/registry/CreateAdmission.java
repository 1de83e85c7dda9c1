package io.coxswain.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.auth.UserInfo;

import java.util.function.BiConsumer;

/** A kind's strategy with one more step on create (see {@link ResourceRegistry#admitOnCreate}); everything else is the kind's. */
record CreateAdmission(ResourceStrategy kind, BiConsumer<ObjectNode, UserInfo> admission) implements ResourceStrategy {

    @Override
    public void prepareForCreate(ObjectNode object, UserInfo user) {
        kind.prepareForCreate(object, user);
        admission.accept(object, user);
    }

    @Override
    public void validate(ObjectNode object) {
        kind.validate(object);
    }

    @Override
    public void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
        kind.prepareForUpdate(subresource, current, next);
    }

    @Override
    public void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
        kind.validateUpdate(subresource, current, next);
    }
}
