package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;

/** A schema object together with the file it sits in, so that its relative {@code $ref}s can be resolved. */
public record SchemaNode(String file, JsonNode node) {

    public String ref() {
        return node.path("$ref").asText(null);
    }

    public String description() {
        return node.path("description").asText(null);
    }
}
