package io.coxswain.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.GroupVersionKind;
import io.coxswain.schemas.ManifestReader;

/** Test helpers: YAML in, defaults applied, compared as JSON trees (key order and number widths ignored). */
final class Manifests {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Manifests() {
    }

    static JsonNode yaml(String text) {
        return normalize(ManifestReader.read(text).get(0).content());
    }

    static ObjectNode object(String text) {
        return (ObjectNode) yaml(text);
    }

    static JsonNode normalize(JsonNode node) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static GroupVersionKind gvk(ObjectNode object) {
        return GroupVersionKind.of(object.get("apiVersion").asText(), object.get("kind").asText());
    }

    /** Applies create-time defaults to a copy of the manifest. */
    static ObjectNode created(String manifest) {
        ObjectNode object = object(manifest);
        Defaulter.apply(gvk(object), object);
        return (ObjectNode) normalize(object);
    }

    static ObjectNode updated(String manifest) {
        ObjectNode object = object(manifest);
        Defaulter.apply(gvk(object), object, Defaulter.Operation.UPDATE);
        return (ObjectNode) normalize(object);
    }

    static void assertCreatedAs(String manifest, String expected) {
        ObjectNode actual = created(manifest);
        assertThat(actual.toPrettyString()).isEqualTo(normalizeOrder(yaml(expected), actual).toPrettyString());
        assertThat(actual).isEqualTo(yaml(expected));
    }

    /** Re-orders {@code expected}'s keys as in {@code actual} so a failing comparison shows a readable diff. */
    private static JsonNode normalizeOrder(JsonNode expected, JsonNode actual) {
        if (!expected.isObject() || !actual.isObject()) {
            if (expected.isArray() && actual.isArray()) {
                var out = MAPPER.createArrayNode();
                for (int i = 0; i < expected.size(); i++) {
                    out.add(i < actual.size() ? normalizeOrder(expected.get(i), actual.get(i)) : expected.get(i));
                }
                return out;
            }
            return expected;
        }
        ObjectNode out = MAPPER.createObjectNode();
        actual.fieldNames().forEachRemaining(name -> {
            if (expected.has(name)) {
                out.set(name, normalizeOrder(expected.get(name), actual.get(name)));
            }
        });
        expected.fieldNames().forEachRemaining(name -> {
            if (!out.has(name)) {
                out.set(name, expected.get(name));
            }
        });
        return out;
    }
}
