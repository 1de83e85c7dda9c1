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

/** The schemas library as the features use it: the schema of a section, from its own apiVersion and kind. */
public final class Schemas {

    public static final Schemas STANDARD = new Schemas(ManifestValidator.standard());

    private final ManifestValidator validator;
    private final SchemaCatalog catalog;
    private final SchemaNavigator navigator;

    public Schemas(ManifestValidator validator) {
        this.validator = validator;
        this.catalog = validator.catalog();
        this.navigator = new SchemaNavigator(catalog);
    }

    public ManifestValidator validator() {
        return validator;
    }

    public SchemaCatalog catalog() {
        return catalog;
    }

    /** The kind's schema, read from the section's lines, so that it is known even while the YAML is broken. */
    public Optional<KindSchema> kindOf(Section section) {
        String apiVersion = YamlContext.topLevel(section, "apiVersion");
        String kind = YamlContext.topLevel(section, "kind");
        if (kind == null) {
            return Optional.empty();
        }
        if (apiVersion != null) {
            Optional<KindSchema> exact = catalog.find(apiVersion, kind);
            if (exact.isPresent()) {
                return exact;
            }
        }
        // A wrong or missing apiVersion still gets the help of the kind's schema; diagnostics report the apiVersion.
        List<GroupVersionKind> named = catalog.kindsNamed(kind);
        return named.isEmpty() ? Optional.empty() : catalog.find(named.get(0));
    }

    public Optional<SchemaView> at(KindSchema kind, List<Object> path) {
        return navigator.at(kind, path);
    }

    public SchemaView root(KindSchema kind) {
        return navigator.root(kind);
    }
}
