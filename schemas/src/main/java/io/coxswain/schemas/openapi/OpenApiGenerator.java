package io.coxswain.schemas.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.GroupVersionKind;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.SchemaNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Generates the OpenAPI v3 documents kubectl reads from our schemas: one per group-version, with a
 * {@code patch} operation per kind that carries {@code x-kubernetes-group-version-kind} and the
 * {@code fieldValidation} parameter (so kubectl leaves validation to the server), and
 * {@code components.schemas} named as Kubernetes names them (so {@code kubectl explain} and strategic
 * merge patch can walk them).
 */
public final class OpenApiGenerator {

    static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    private static final Set<String> DROPPED = Set.of("$schema", "$id", "$defs", "$comment", "title", "x-coxswain-package", "x-coxswain-name",
            "propertyNames", "const");
    private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml", "application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json");

    private final SchemaCatalog catalog;
    private final ObjectMapper json = new ObjectMapper();

    public OpenApiGenerator(SchemaCatalog catalog) {
        this.catalog = catalog;
    }

    public OpenApiDocuments generate() {
        Map<String, List<KindSchema>> byGroupVersion = new TreeMap<>();
        for (KindSchema kind : catalog.kindSchemas()) {
            byGroupVersion.computeIfAbsent(kind.gvk().groupVersionPath(), k -> new java.util.ArrayList<>()).add(kind);
        }
        Map<String, byte[]> documents = new LinkedHashMap<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        ObjectNode indexPaths = json.createObjectNode();
        byGroupVersion.forEach((gv, kinds) -> {
            byte[] body = bytes(document(kinds));
            String hash = sha512(body);
            documents.put(gv, body);
            hashes.put(gv, hash);
            indexPaths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hash);
        });
        ObjectNode index = json.createObjectNode();
        index.set("paths", indexPaths);
        return new OpenApiDocuments(bytes(index), documents, hashes);
    }

    /** The name Kubernetes gives a kind's or a definition's component, such as {@code io.k8s.api.core.v1.PodSpec}. */
    public String componentName(String file, String defName) {
        return packageOf(file) + "." + defName;
    }

    private String packageOf(String file) {
        JsonNode root = catalog.file(file);
        if (root.has("x-coxswain-package")) {
            return root.get("x-coxswain-package").asText();
        }
        JsonNode gvk = root.path("x-kubernetes-group-version-kind").path(0);
        String group = gvk.path("group").asText();
        String shortGroup = group.isEmpty() ? "core" : group.split("\\.")[0];
        return "io.k8s.api." + shortGroup + "." + gvk.path("version").asText();
    }

    ObjectNode document(List<KindSchema> kinds) {
        ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        Deque<SchemaNode> pending = new ArrayDeque<>();
        Map<String, SchemaNode> wanted = new LinkedHashMap<>();
        for (KindSchema kind : kinds) {
            String name = componentName(kind.file(), kind.gvk().kind());
            wanted.put(name, kind.node());
            pending.add(kind.node());
            schemas.set(name + "List", listSchema(kind, name));
            addPaths(paths, kind, name);
        }
        schemas.putObject(PATCH).put("type", "object")
                .put("description", "A patch document; its format is given by the request's Content-Type.");
        schemas.putObject(INT_OR_STRING).put("type", "string").put("format", "int-or-string")
                .put("description", "A whole number or a string.");
        schemas.putObject(QUANTITY).put("type", "string")
                .put("description", "An amount with an optional unit suffix, such as 500m or 1Gi.");
        // Convert breadth-first; each conversion queues the components it refers to.
        while (!pending.isEmpty()) {
            SchemaNode next = pending.poll();
            String name = nameOf(next, wanted);
            if (!schemas.has(name)) {
                ObjectNode converted = convert(next, pending, wanted);
                schemas.set(name, converted);
            }
        }
        return doc;
    }

    private static String nameOf(SchemaNode node, Map<String, SchemaNode> wanted) {
        for (Map.Entry<String, SchemaNode> e : wanted.entrySet()) {
            if (e.getValue().node() == node.node()) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("component not registered: " + node.file());
    }

    /** Converts one schema object to OpenAPI 3.0 form, turning cross-file references into component references. */
    private ObjectNode convert(SchemaNode site, Deque<SchemaNode> pending, Map<String, SchemaNode> wanted) {
        JsonNode node = site.node();
        if (node.has("$ref")) {
            return reference(site, pending, wanted);
        }
        ObjectNode out = json.createObjectNode();
        node.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (DROPPED.contains(key) || (key.equals("type") && value.isArray())) {
                return;
            }
            switch (key) {
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    value.fields().forEachRemaining(p ->
                            props.set(p.getKey(), convert(new SchemaNode(site.file(), p.getValue()), pending, wanted)));
                }
                case "items", "additionalProperties" -> out.set(key, value.isObject()
                        ? convert(new SchemaNode(site.file(), value), pending, wanted) : value);
                case "allOf", "anyOf", "oneOf" -> {
                    ArrayNode members = json.createArrayNode();
                    // Members that only narrow a field (a stricter name, say) say nothing kubectl can use.
                    value.forEach(m -> {
                        if (m.has("$ref")) {
                            members.add(convert(new SchemaNode(site.file(), m), pending, wanted));
                        }
                    });
                    if (!members.isEmpty()) {
                        out.set(key, members);
                    }
                }
                default -> out.set(key, value);
            }
        });
        if (node.has("const")) {
            out.putArray("enum").add(node.get("const"));
        }
        return out;
    }

    private ObjectNode reference(SchemaNode site, Deque<SchemaNode> pending, Map<String, SchemaNode> wanted) {
        String ref = site.ref();
        SchemaNode target = catalog.resolve(site.file(), ref);
        String defName = ref.substring(ref.lastIndexOf('/') + 1);
        ObjectNode out;
        if (defName.equals("IntOrString") || defName.equals("Quantity")) {
            out = refTo(defName.equals("IntOrString") ? INT_OR_STRING : QUANTITY, site);
        } else if (target.node().has("properties")) {
            String name = componentName(target.file(), defName);
            if (!wanted.containsKey(name)) {
                wanted.put(name, target);
                pending.add(target);
            }
            out = refTo(name, site);
        } else {
            // Scalars and maps (names, times, label maps) are inlined, as Kubernetes writes them.
            out = convert(target, pending, wanted);
            if (site.description() != null) {
                out.put("description", site.description());
            }
        }
        return out;
    }

    /** A reference in Kubernetes's style: {@code allOf: [{$ref}]} when the site adds a description. */
    private ObjectNode refTo(String component, SchemaNode site) {
        ObjectNode ref = json.createObjectNode().put("$ref", "#/components/schemas/" + component);
        if (site.description() == null) {
            return ref;
        }
        ObjectNode out = json.createObjectNode();
        out.putArray("allOf").add(ref);
        out.put("description", site.description());
        site.node().fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("x-kubernetes-") || e.getKey().equals("default")) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private ObjectNode listSchema(KindSchema kind, String component) {
        ObjectNode list = json.createObjectNode();
        list.put("description", "A list of " + kind.gvk().kind() + " objects.");
        list.put("type", "object");
        list.putArray("required").add("items");
        ObjectNode props = list.putObject("properties");
        props.putObject("apiVersion").put("type", "string").put("description", "API version of the list.");
        props.putObject("kind").put("type", "string").put("description", "Kind of the list.");
        props.putObject("metadata").put("type", "object").put("description", "Paging and version of the list.");
        ObjectNode items = props.putObject("items");
        items.put("type", "array").put("description", "The objects.");
        items.putObject("items").put("$ref", "#/components/schemas/" + component);
        ObjectNode gvk = list.putArray("x-kubernetes-group-version-kind").addObject();
        gvk.put("group", kind.gvk().group()).put("version", kind.gvk().version()).put("kind", kind.gvk().kind() + "List");
        return list;
    }

    private void addPaths(ObjectNode paths, KindSchema kind, String component) {
        GroupVersionKind gvk = kind.gvk();
        String root = "/" + gvk.groupVersionPath() + (kind.namespaced() ? "/namespaces/{namespace}/" : "/") + kind.plural();
        ObjectNode collection = paths.putObject(root);
        ObjectNode item = paths.putObject(root + "/{name}");
        if (kind.namespaced()) {
            collection.putArray("parameters").add(pathParameter("namespace"));
        }
        ArrayNode itemParameters = item.putArray("parameters");
        itemParameters.add(pathParameter("name"));
        if (kind.namespaced()) {
            itemParameters.add(pathParameter("namespace"));
        }
        collection.set("get", operation(gvk, "list", component + "List", false));
        collection.set("post", operation(gvk, "post", component, true));
        item.set("get", operation(gvk, "get", component, false));
        item.set("put", operation(gvk, "put", component, true));
        item.set("delete", operation(gvk, "delete", component, false));
        ObjectNode patch = operation(gvk, "patch", component, true);
        ObjectNode content = patch.putObject("requestBody").put("required", true).putObject("content");
        PATCH_TYPES.forEach(t -> content.putObject(t).putObject("schema").put("$ref", "#/components/schemas/" + PATCH));
        ((ArrayNode) patch.get("parameters")).add(queryParameter("force",
                "Take over fields another manager owns when applying.", "boolean"));
        item.set("patch", patch);
    }

    private ObjectNode operation(GroupVersionKind gvk, String action, String component, boolean writes) {
        ObjectNode op = json.createObjectNode();
        op.put("description", action + " " + gvk.kind());
        op.put("operationId", action + (gvk.group().isEmpty() ? "Core" : gvk.group().split("\\.")[0]) + gvk.version() + gvk.kind());
        ArrayNode parameters = op.putArray("parameters");
        if (writes) {
            parameters.add(queryParameter("dryRun", "When All, the request is checked but nothing is stored.", "string"));
            parameters.add(queryParameter("fieldManager", "Name of the actor making the change.", "string"));
            parameters.add(queryParameter("fieldValidation",
                    "How the server treats unknown or duplicate fields: Ignore, Warn or Strict.", "string"));
        }
        ObjectNode ok = op.putObject("responses").putObject("200");
        ok.put("description", "OK");
        ok.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + component);
        op.put("x-kubernetes-action", action);
        op.putObject("x-kubernetes-group-version-kind")
                .put("group", gvk.group()).put("version", gvk.version()).put("kind", gvk.kind());
        return op;
    }

    private ObjectNode pathParameter(String name) {
        ObjectNode p = json.createObjectNode();
        p.put("name", name).put("in", "path").put("required", true).put("description", "The object's " + name + ".");
        p.putObject("schema").put("type", "string").put("uniqueItems", true);
        return p;
    }

    private ObjectNode queryParameter(String name, String description, String type) {
        ObjectNode p = json.createObjectNode();
        p.put("name", name).put("in", "query").put("description", description);
        p.putObject("schema").put("type", type).put("uniqueItems", true);
        return p;
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha512(byte[] body) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
