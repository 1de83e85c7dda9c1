package io.coxswain.tests.lsp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaCatalog;

/**
 * One self-contained JSON schema (draft-07, which every YAML language server reads) made from the project's schema
 * files: every {@code $defs} entry of every file becomes a {@code definitions} entry, cross-file {@code $ref}s are
 * rewritten to point there, and the root dispatches on apiVersion and kind with {@code if}/{@code then}. Both servers
 * are given this same file.
 */
public final class KubernetesSchemaBundle {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KubernetesSchemaBundle() {
    }

    public static ObjectNode build(SchemaCatalog catalog) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("$schema", "http://json-schema.org/draft-07/schema#");
        bundle.put("title", "Coxswain Kubernetes manifest");
        bundle.put("description", "A Kubernetes object of one of the kinds Coxswain knows, chosen by apiVersion and kind.");
        bundle.put("type", "object");
        ObjectNode definitions = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> file : catalog.files().entrySet()) {
            JsonNode copy = rewrite(file.getKey(), file.getValue().deepCopy());
            Iterator<Map.Entry<String, JsonNode>> defs = copy.path("$defs").fields();
            while (defs.hasNext()) {
                Map.Entry<String, JsonNode> def = defs.next();
                definitions.set(key(file.getKey(), def.getKey()), def.getValue());
            }
            if (copy instanceof ObjectNode root && catalog.kindSchemas().stream().anyMatch(k -> k.file().equals(file.getKey()))) {
                root.remove(java.util.List.of("$defs", "$schema", "$id"));
                definitions.set(key(file.getKey(), null), root);
            }
        }
        ObjectNode properties = bundle.putObject("properties");
        ArrayNode apiVersions = properties.putObject("apiVersion").put("type", "string")
                .put("description", "API version of the object: the group and version of its kind.").putArray("enum");
        ArrayNode kinds = properties.putObject("kind").put("type", "string")
                .put("description", "Kind of the object.").putArray("enum");
        ArrayNode dispatch = bundle.putArray("allOf");
        for (KindSchema kind : catalog.kindSchemas()) {
            if (!contains(apiVersions, kind.gvk().apiVersion())) {
                apiVersions.add(kind.gvk().apiVersion());
            }
            kinds.add(kind.gvk().kind());
            ObjectNode branch = dispatch.addObject();
            ObjectNode condition = branch.putObject("if");
            condition.putArray("required").add("kind");
            ObjectNode when = condition.putObject("properties");
            when.putObject("apiVersion").put("const", kind.gvk().apiVersion());
            when.putObject("kind").put("const", kind.gvk().kind());
            branch.putObject("then").put("$ref", "#/definitions/" + key(kind.file(), null));
        }
        bundle.set("definitions", definitions);
        return bundle;
    }

    /** Writes the bundle to a file and returns its path. */
    public static Path write(SchemaCatalog catalog, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), build(catalog));
        return file;
    }

    private static boolean contains(ArrayNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** The definitions key of a file's $defs entry, or of the file's root when def is null. */
    static String key(String file, String def) {
        String base = file.replaceAll("\\.json$", "").replaceAll("[^A-Za-z0-9]+", "_");
        return def == null ? base : base + "__" + def;
    }

    private static JsonNode rewrite(String file, JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual()) {
                object.set("$ref", TextNode.valueOf(target(file, ref.asText())));
            }
            object.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("$ref")) {
                    rewrite(file, e.getValue());
                }
            });
        } else if (node instanceof ArrayNode array) {
            array.forEach(n -> rewrite(file, n));
        }
        return node;
    }

    private static String target(String file, String ref) {
        int hash = ref.indexOf('#');
        String path = hash < 0 ? ref : ref.substring(0, hash);
        String fragment = hash < 0 ? "" : ref.substring(hash + 1);
        String targetFile = path.isEmpty() ? file : Path.of(file).resolveSibling(path).normalize().toString();
        String prefix = "/$defs/";
        if (fragment.isEmpty()) {
            return "#/definitions/" + key(targetFile, null);
        }
        if (!fragment.startsWith(prefix)) {
            throw new IllegalArgumentException("unexpected $ref " + ref + " in " + file);
        }
        String rest = fragment.substring(prefix.length());
        int slash = rest.indexOf('/');
        String def = slash < 0 ? rest : rest.substring(0, slash);
        return "#/definitions/" + key(targetFile, def) + (slash < 0 ? "" : rest.substring(slash));
    }
}
