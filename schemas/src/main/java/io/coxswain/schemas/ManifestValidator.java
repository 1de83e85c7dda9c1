package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import com.networknt.schema.path.PathType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Validates a manifest (a Jackson tree) against its kind's schema, then runs the semantic checks.
 * The schema is chosen from the manifest's own apiVersion and kind. Thread-safe.
 */
public final class ManifestValidator {

    private final SchemaCatalog catalog;
    private final SchemaRegistry registry;
    private final Map<GroupVersionKind, Schema> compiled = new ConcurrentHashMap<>();

    public ManifestValidator(SchemaCatalog catalog) {
        this.catalog = catalog;
        Map<String, String> sources = new HashMap<>();
        catalog.files().forEach((file, root) -> sources.put(SchemaCatalog.ID_BASE + file, root.toString()));
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .build();
        // Kubernetes's x- extensions are annotations, not assertions; saying so keeps the validator from warning.
        Dialect dialect = Dialect.builder(Dialects.getDraft202012())
                .unknownKeywordFactory((name, context) -> new AnnotationKeyword(name))
                .build();
        this.registry = SchemaRegistry.withDialect(dialect, builder -> builder.schemas(sources).schemaRegistryConfig(config));
    }

    public static ManifestValidator standard() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final ManifestValidator INSTANCE = new ManifestValidator(SchemaCatalog.standard());
    }

    public SchemaCatalog catalog() {
        return catalog;
    }

    public ValidationReport validate(JsonNode manifest) {
        List<ValidationProblem> problems = new ArrayList<>();
        if (!manifest.isObject()) {
            problems.add(new ValidationProblem("", "a manifest must be a mapping with apiVersion and kind, not "
                    + JsonTypes.describe(manifest), ProblemCategory.TYPE));
            return new ValidationReport(Optional.empty(), problems);
        }
        Optional<KindSchema> kind = kindOf(manifest, problems);
        if (kind.isEmpty()) {
            return new ValidationReport(kind, problems);
        }
        JsonNode withoutNulls = withoutNulls(manifest);
        Schema schema = compiled.computeIfAbsent(kind.get().gvk(),
                gvk -> registry.getSchema(SchemaLocation.of(SchemaCatalog.ID_BASE + kind.get().file())));
        Set<ValidationProblem> seen = new LinkedHashSet<>();
        for (Error error : schema.validate(withoutNulls)) {
            seen.add(ErrorTranslator.translate(catalog, error));
        }
        if ("path-segment".equals(kind.get().root().path("x-coxswain-name").asText())) {
            pathSegmentName(withoutNulls.path("metadata").path("name"), seen);
        }
        problems.addAll(seen);
        SemanticChecks.check(kind.get().gvk(), withoutNulls, problems);
        problems.sort(Comparator.comparing(ValidationProblem::pointer));
        return new ValidationReport(kind, problems);
    }

    /**
     * Kinds marked {@code "x-coxswain-name": "path-segment"} (the RBAC kinds) take any name that fits in a URL path
     * segment, as kube's ValidatePathSegmentName: {@code system:kube-scheduler} is a valid ClusterRole name.
     */
    private static void pathSegmentName(JsonNode name, Set<ValidationProblem> problems) {
        problems.removeIf(p -> p.pointer().equals("/metadata/name") && p.category() != ProblemCategory.TYPE);
        if (!name.isTextual()) {
            return;
        }
        String n = name.asText();
        if (n.equals(".") || n.equals("..")) {
            problems.add(new ValidationProblem("/metadata/name", "may not be '" + n + "'", ProblemCategory.INVALID));
        } else if (n.contains("/") || n.contains("%")) {
            problems.add(new ValidationProblem("/metadata/name", "may not contain '/' or '%'", ProblemCategory.INVALID));
        }
    }

    private Optional<KindSchema> kindOf(JsonNode manifest, List<ValidationProblem> problems) {
        JsonNode apiVersion = manifest.path("apiVersion");
        JsonNode kind = manifest.path("kind");
        if (!apiVersion.isTextual() || apiVersion.asText().isEmpty()) {
            problems.add(missingOrMistyped("/apiVersion", "apiVersion", apiVersion));
        }
        if (!kind.isTextual() || kind.asText().isEmpty()) {
            problems.add(missingOrMistyped("/kind", "kind", kind));
        }
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        Optional<KindSchema> found = catalog.find(apiVersion.asText(), kind.asText());
        if (found.isEmpty()) {
            List<GroupVersionKind> sameName = catalog.kindsNamed(kind.asText());
            String hint = sameName.isEmpty()
                    ? "known kinds are " + catalog.kinds().stream().map(GroupVersionKind::kind).distinct().collect(Collectors.joining(", "))
                    : kind.asText() + " is served as apiVersion " + sameName.stream().map(GroupVersionKind::apiVersion)
                            .collect(Collectors.joining(" or "));
            problems.add(new ValidationProblem(sameName.isEmpty() ? "/kind" : "/apiVersion",
                    "no schema for kind \"" + kind.asText() + "\" in apiVersion \"" + apiVersion.asText() + "\"; " + hint,
                    ProblemCategory.UNKNOWN_KIND));
        }
        return found;
    }

    private static ValidationProblem missingOrMistyped(String pointer, String field, JsonNode value) {
        return value.isMissingNode() || value.isNull()
                ? new ValidationProblem(pointer, "required field \"" + field + "\" is missing", ProblemCategory.REQUIRED)
                : new ValidationProblem(pointer, field + " must be a non-empty string, not " + JsonTypes.describe(value),
                        ProblemCategory.TYPE);
    }

    /** Kubernetes decodes an explicit null as "not set"; so do we, before the schema sees the tree. */
    static JsonNode withoutNulls(JsonNode node) {
        return hasNull(node) ? copyWithoutNulls(node) : node;
    }

    private static boolean hasNull(JsonNode node) {
        if (node.isNull()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasNull(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode copyWithoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    copy.set(e.getKey(), copyWithoutNulls(e.getValue()));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(item -> copy.add(copyWithoutNulls(item)));
            return copy;
        }
        return node;
    }
}
