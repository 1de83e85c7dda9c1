package io.coxswain.ls.services;

import io.coxswain.ls.model.Section;
import io.coxswain.ls.model.YamlContext;
import io.coxswain.schemas.GroupVersionKind;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.ManifestValidator;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.SchemaNavigator;
import io.coxswain.schemas.SchemaView;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The schemas library as the features use it: the schema of a section, from its own apiVersion and kind. The
 * standard schemas are read on first use, not when the class loads: reading them takes most of a second, and the
 * server answers initialize first, then loads them in the background (see CoxswainLanguageServer#initialize).
 */
public final class Schemas {

    public static final Schemas STANDARD = new Schemas(ManifestValidator::standard);

    private final Supplier<ManifestValidator> source;
    private volatile Loaded loaded;

    private record Loaded(ManifestValidator validator, SchemaCatalog catalog, SchemaNavigator navigator) {
    }

    public Schemas(ManifestValidator validator) {
        this(() -> validator);
    }

    private Schemas(Supplier<ManifestValidator> source) {
        this.source = source;
    }

    private Loaded loaded() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                l = loaded;
                if (l == null) {
                    ManifestValidator validator = source.get();
                    l = new Loaded(validator, validator.catalog(), new SchemaNavigator(validator.catalog()));
                    loaded = l;
                }
            }
        }
        return l;
    }

    public ManifestValidator validator() {
        return loaded().validator();
    }

    public SchemaCatalog catalog() {
        return loaded().catalog();
    }

    /** The kind's schema, read from the section's lines, so that it is known even while the YAML is broken. */
    public Optional<KindSchema> kindOf(Section section) {
        String apiVersion = YamlContext.topLevel(section, "apiVersion");
        String kind = YamlContext.topLevel(section, "kind");
        if (kind == null) {
            return Optional.empty();
        }
        if (apiVersion != null) {
            Optional<KindSchema> exact = catalog().find(apiVersion, kind);
            if (exact.isPresent()) {
                return exact;
            }
        }
        // A wrong or missing apiVersion still gets the help of the kind's schema; diagnostics report the apiVersion.
        List<GroupVersionKind> named = catalog().kindsNamed(kind);
        return named.isEmpty() ? Optional.empty() : catalog().find(named.get(0));
    }

    public Optional<SchemaView> at(KindSchema kind, List<Object> path) {
        return loaded().navigator().at(kind, path);
    }

    public SchemaView root(KindSchema kind) {
        return loaded().navigator().root(kind);
    }
}
