package io.coxswain.ls.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * One YAML document of an open file that names an object: its apiVersion, kind, namespace and name, and where its
 * {@code kind} line is (for lenses and status diagnostics).
 */
public record ManifestObject(String uri, int document, int line, JsonNode content, String apiVersion, String kind,
                             String namespace, String name) {

    /** The object's identity in the cluster, also the key of its status. */
    public String ref() {
        return kind + "/" + namespace + "/" + name;
    }

    /** The documents of a file with an apiVersion, a kind and a name; the namespace defaults as given. */
    public static List<ManifestObject> of(ManifestDocument file, String defaultNamespace) {
        List<ManifestObject> out = new ArrayList<>();
        for (int i = 0; i < file.sections().size(); i++) {
            ManifestObject object = of(file, i, defaultNamespace);
            if (object != null) {
                out.add(object);
            }
        }
        return out;
    }

    public static ManifestObject of(ManifestDocument file, int index, String defaultNamespace) {
        if (index < 0 || index >= file.sections().size()) {
            return null;
        }
        var parse = file.sections().get(index).parse();
        JsonNode content = parse.content();
        if (content == null || !content.isObject()) {
            return null;
        }
        String apiVersion = content.path("apiVersion").asText("");
        String kind = content.path("kind").asText("");
        String name = content.path("metadata").path("name").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty() || name.isEmpty()) {
            return null;
        }
        String namespace = content.path("metadata").path("namespace").asText("");
        Span kindKey = parse.keyOrAncestor("/kind");
        return new ManifestObject(file.uri(), index, file.startLine(index) + kindKey.startLine(), content, apiVersion, kind,
                namespace.isEmpty() ? defaultNamespace : namespace, name);
    }
}
