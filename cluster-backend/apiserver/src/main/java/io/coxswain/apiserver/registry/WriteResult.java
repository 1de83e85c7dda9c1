package io.coxswain.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A write's outcome: the object as stored (or as it would be, for a dry run), the HTTP code, and warnings. */
public record WriteResult(ObjectNode object, int code, List<String> warnings) {
}
