package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.SchemaNavigator;
import io.coxswain.schemas.SchemaView;

/** Test helpers: JSON written with single quotes, and the real schemas. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** Parses JSON in which ' stands for " (so tests need no escaping). */
    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static SchemaView schema(String apiVersion, String kind) {
        SchemaCatalog catalog = SchemaCatalog.standard();
        return new SchemaNavigator(catalog).root(catalog.find(apiVersion, kind).orElseThrow());
    }

    static SchemaView deployment() {
        return schema("apps/v1", "Deployment");
    }

    static SchemaView pod() {
        return schema("v1", "Pod");
    }

    static SchemaView service() {
        return schema("v1", "Service");
    }
}
