package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One kind's schema file and how the REST API serves it.
 *
 * @param plural     the resource name in URLs, such as {@code deployments}
 * @param namespaced whether objects of the kind live in a namespace
 */
public record KindSchema(GroupVersionKind gvk, String file, String plural, boolean namespaced, JsonNode root) {

    public SchemaNode node() {
        return new SchemaNode(file, root);
    }
}
