package io.coxswain.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An object as read from the store, with its resourceVersion (the store's mod revision) filled in. */
public record StoredObject(ObjectNode object, long resourceVersion) {
}
