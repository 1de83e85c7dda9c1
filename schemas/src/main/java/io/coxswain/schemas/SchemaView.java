package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sub-schema as a consumer sees it: the place that mentions it (whose description is the most
 * specific) and the schema it resolves to after {@code $ref}s. Views come from {@link SchemaCatalog#view},
 * one per schema site, and remember their properties and children: a walk over an object's fields (field
 * ownership on every write) then costs map lookups, not {@code $ref} resolution.
 */
public final class SchemaView {

    private final SchemaCatalog catalog;
    private final SchemaNode site;
    private final SchemaNode target;
    /** Filled on first use; a race only computes the same value twice. */
    private volatile Map<String, SchemaNode> properties;
    private volatile Optional<SchemaView> items;
    private volatile Optional<SchemaView> mapValues;

    SchemaView(SchemaCatalog catalog, SchemaNode site) {
        this.catalog = catalog;
        this.site = site;
        this.target = catalog.deref(site);
    }

    public SchemaNode site() {
        return site;
    }

    public SchemaNode target() {
        return target;
    }

    public String description() {
        String own = site.description();
        return own != null ? own : target.description();
    }

    /** The {@code $defs} name of the resolved type, such as {@code PodSpec}, or null for an inline schema. */
    public String typeName() {
        String ref = site.ref();
        if (ref == null) {
            return null;
        }
        for (SchemaNode n = site; n.ref() != null; n = catalog.resolve(n.file(), n.ref())) {
            ref = n.ref();
        }
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    /** JSON types this schema admits, such as {@code [object]} or {@code [integer, string]}. */
    public List<String> types() {
        JsonNode type = target.node().path("type");
        List<String> out = new ArrayList<>();
        if (type.isArray()) {
            type.forEach(t -> out.add(t.asText()));
        } else if (type.isTextual()) {
            out.add(type.asText());
        }
        return out;
    }

    /** Own properties, then those added by {@code allOf} members that the schema does not already have; read-only. */
    public Map<String, SchemaNode> properties() {
        Map<String, SchemaNode> known = properties;
        if (known == null) {
            Map<String, SchemaNode> out = new LinkedHashMap<>();
            addProperties(target, out);
            for (JsonNode member : target.node().path("allOf")) {
                addProperties(catalog.deref(new SchemaNode(target.file(), member)), out);
            }
            known = Collections.unmodifiableMap(out);
            properties = known;
        }
        return known;
    }

    private static void addProperties(SchemaNode schema, Map<String, SchemaNode> out) {
        schema.node().path("properties").fields()
                .forEachRemaining(e -> out.putIfAbsent(e.getKey(), new SchemaNode(schema.file(), e.getValue())));
    }

    public Set<String> required() {
        Set<String> out = new LinkedHashSet<>();
        target.node().path("required").forEach(r -> out.add(r.asText()));
        return out;
    }

    public List<JsonNode> enumValues() {
        List<JsonNode> out = new ArrayList<>();
        target.node().path("enum").forEach(out::add);
        if (target.node().has("const")) {
            out.add(target.node().get("const"));
        }
        return out;
    }

    public Optional<SchemaView> items() {
        Optional<SchemaView> known = items;
        if (known == null) {
            known = subSchema("items");
            items = known;
        }
        return known;
    }

    /** The schema of a map's values, when the object is a map rather than a fixed set of fields. */
    public Optional<SchemaView> mapValues() {
        Optional<SchemaView> known = mapValues;
        if (known == null) {
            known = subSchema("additionalProperties");
            mapValues = known;
        }
        return known;
    }

    private Optional<SchemaView> subSchema(String keyword) {
        JsonNode node = target.node().path(keyword);
        return node.isObject() ? Optional.of(catalog.view(new SchemaNode(target.file(), node))) : Optional.empty();
    }

    /** A Kubernetes extension ({@code x-kubernetes-…}) from the site or from the resolved schema. */
    public JsonNode extension(String name) {
        JsonNode own = site.node().get(name);
        return own != null ? own : target.node().path(name);
    }

    /** One step down: a property name (or map key), or a list index. */
    public Optional<SchemaView> child(Object segment) {
        if (segment instanceof Integer) {
            return items();
        }
        SchemaNode property = properties().get(String.valueOf(segment));
        if (property != null) {
            return Optional.of(catalog.view(property));
        }
        return mapValues();
    }

    @Override
    public String toString() {
        return site.file() + (typeName() == null ? "" : "#" + typeName());
    }
}
