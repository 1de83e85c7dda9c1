package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schema files on the classpath: the kinds they describe, and the lookups every consumer needs
 * (by apiVersion and kind, by file, by {@code $ref}).
 */
public final class SchemaCatalog {

    /** The {@code $id} prefix of every file. It is only a name: files are read from the classpath. */
    public static final String ID_BASE = "https://schemas.coxswain.dev/";
    static final String RESOURCE_ROOT = "coxswain/schemas/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile SchemaCatalog standard;

    private final Map<String, JsonNode> files = new LinkedHashMap<>();
    private final Map<GroupVersionKind, KindSchema> kinds = new LinkedHashMap<>();
    /** One view per schema site; bounded, as the sites are the nodes of the files. */
    private final Map<Site, SchemaView> views = new ConcurrentHashMap<>();

    /** A schema site by identity: equal JSON at two places of the files is two sites. */
    private record Site(String file, JsonNode node) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Site other && other.node == node && other.file.equals(file);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(node) * 31 + file.hashCode();
        }
    }

    private SchemaCatalog(JsonNode index) {
        for (JsonNode def : index.path("defs")) {
            files.put(def.asText(), read(def.asText()));
        }
        for (JsonNode entry : index.path("kinds")) {
            String file = entry.path("file").asText();
            JsonNode root = read(file);
            files.put(file, root);
            JsonNode gvk = root.path("x-kubernetes-group-version-kind").path(0);
            GroupVersionKind id = new GroupVersionKind(gvk.path("group").asText(), gvk.path("version").asText(),
                    gvk.path("kind").asText());
            kinds.put(id, new KindSchema(id, file, entry.path("plural").asText(), entry.path("namespaced").asBoolean(), root));
        }
    }

    /** The catalog of the schemas shipped in this module; loaded once. */
    public static SchemaCatalog standard() {
        SchemaCatalog c = standard;
        if (c == null) {
            synchronized (SchemaCatalog.class) {
                c = standard;
                if (c == null) {
                    c = new SchemaCatalog(read("index.json"));
                    standard = c;
                }
            }
        }
        return c;
    }

    private static JsonNode read(String file) {
        try (InputStream in = SchemaCatalog.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("schema file missing from the classpath: " + RESOURCE_ROOT + file);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema file " + file, e);
        }
    }

    public List<GroupVersionKind> kinds() {
        return List.copyOf(kinds.keySet());
    }

    public List<KindSchema> kindSchemas() {
        return List.copyOf(kinds.values());
    }

    public Optional<KindSchema> find(GroupVersionKind gvk) {
        return Optional.ofNullable(kinds.get(gvk));
    }

    public Optional<KindSchema> find(String apiVersion, String kind) {
        return find(GroupVersionKind.of(apiVersion, kind));
    }

    /** Kinds with this name in any group-version, to suggest the right apiVersion. */
    public List<GroupVersionKind> kindsNamed(String kind) {
        List<GroupVersionKind> out = new ArrayList<>();
        for (GroupVersionKind gvk : kinds.keySet()) {
            if (gvk.kind().equals(kind)) {
                out.add(gvk);
            }
        }
        return out;
    }

    /** Every file by its path below the schema root, definition files first. */
    public Map<String, JsonNode> files() {
        return Collections.unmodifiableMap(files);
    }

    public JsonNode file(String file) {
        JsonNode root = files.get(file);
        if (root == null) {
            throw new IllegalArgumentException("no schema file " + file);
        }
        return root;
    }

    /** The view of a schema site in these files, made once and shared. */
    public SchemaView view(SchemaNode site) {
        return views.computeIfAbsent(new Site(site.file(), site.node()), k -> new SchemaView(this, site));
    }

    /** Follows one {@code $ref} written in {@code from}'s file. */
    public SchemaNode resolve(String fromFile, String ref) {
        int hash = ref.indexOf('#');
        String path = hash < 0 ? ref : ref.substring(0, hash);
        String pointer = hash < 0 ? "" : ref.substring(hash + 1);
        String file = path.isEmpty() ? fromFile : URI.create(fromFile).resolve(path).toString();
        JsonNode target = file(file).at(pointer);
        if (target.isMissingNode()) {
            throw new IllegalArgumentException("unresolved $ref " + ref + " in " + fromFile);
        }
        return new SchemaNode(file, target);
    }

    /** Follows {@code $ref}s until a schema that is not a bare reference. */
    public SchemaNode deref(SchemaNode node) {
        SchemaNode current = node;
        for (int hops = 0; current.ref() != null; hops++) {
            if (hops > 32) {
                throw new IllegalStateException("$ref cycle at " + node.ref());
            }
            current = resolve(current.file(), current.ref());
        }
        return current;
    }
}
