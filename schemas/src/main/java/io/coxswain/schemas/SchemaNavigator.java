package io.coxswain.schemas;

import java.util.List;
import java.util.Optional;

/** Resolves the sub-schema at a path inside a manifest, such as {@code spec.template.spec.containers[0].image}. */
public final class SchemaNavigator {

    private final SchemaCatalog catalog;

    public SchemaNavigator(SchemaCatalog catalog) {
        this.catalog = catalog;
    }

    public SchemaView root(KindSchema kind) {
        return catalog.view(kind.node());
    }

    /**
     * @param path property names (or map keys) as strings and list indexes as integers
     * @return the schema there, or empty where the path leaves the schema
     */
    public Optional<SchemaView> at(KindSchema kind, List<?> path) {
        Optional<SchemaView> current = Optional.of(root(kind));
        for (Object segment : path) {
            current = current.flatMap(v -> v.child(segment));
            if (current.isEmpty()) {
                break;
            }
        }
        return current;
    }

    /** The same for a dotted path with {@code [i]} indexes, as {@code kubectl explain} writes it. */
    public Optional<SchemaView> at(KindSchema kind, String dottedPath) {
        return at(kind, FieldPath.parse(dottedPath));
    }
}
