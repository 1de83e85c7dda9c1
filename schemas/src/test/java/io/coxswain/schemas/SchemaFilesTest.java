package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema files themselves: valid 2020-12 schemas, fully described, every reference resolvable. */
class SchemaFilesTest {

    private static final Path ROOT = Path.of("src/main/resources/coxswain/schemas");
    private static final List<String> SCHEMA_LISTS = List.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final List<String> SCHEMA_VALUES = List.of("items", "additionalProperties", "not", "if", "then", "else",
            "propertyNames", "contains", "unevaluatedProperties", "unevaluatedItems");

    private final SchemaCatalog catalog = SchemaCatalog.standard();

    @Test
    void everyFileOnDiskIsInTheCatalog() throws IOException {
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(p -> p.toString().endsWith(".json"))
                    .map(p -> ROOT.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("index.json"))
                    .forEach(onDisk::add);
        }
        assertThat(new TreeSet<>(catalog.files().keySet())).isEqualTo(onDisk);
    }

    @Test
    void everyKindTheIssueNamesHasASchema() {
        assertThat(catalog.kinds()).extracting(GroupVersionKind::toString).containsExactlyInAnyOrder(
                "v1/Pod", "v1/Service", "v1/Namespace", "v1/ConfigMap", "v1/Secret", "v1/ServiceAccount", "v1/Node", "v1/Endpoints", "v1/Event", "v1/Binding",
                "v1/ReplicationController",
                "apps/v1/ReplicaSet", "apps/v1/Deployment", "batch/v1/Job", "batch/v1/CronJob", "coordination.k8s.io/v1/Lease",
                "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/ClusterRole",
                "rbac.authorization.k8s.io/v1/RoleBinding", "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
                "authorization.k8s.io/v1/SelfSubjectAccessReview", "authorization.k8s.io/v1/SelfSubjectRulesReview",
                "authorization.k8s.io/v1/SubjectAccessReview", "authentication.k8s.io/v1/TokenReview",
                "certificates.k8s.io/v1/CertificateSigningRequest", "discovery.k8s.io/v1/EndpointSlice");
    }

    @Test
    void everyFileIsAValid2020_12Schema() {
        Schema metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        catalog.files().forEach((file, root) -> {
            assertThat(root.path("$schema").asText()).as(file).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(root.path("$id").asText()).as(file).isEqualTo(SchemaCatalog.ID_BASE + file);
            List<Error> errors = metaSchema.validate(root);
            assertThat(errors).as(file).isEmpty();
        });
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        catalog.files().forEach((file, root) -> root.findParents("$ref").forEach(parent -> {
            try {
                catalog.resolve(file, parent.get("$ref").asText());
            } catch (IllegalArgumentException e) {
                broken.add(e.getMessage());
            }
        }));
        assertThat(broken).isEmpty();
    }

    @Test
    void everyPropertyAndDefinitionIsDescribed() {
        Counts counts = new Counts();
        catalog.files().forEach((file, root) -> walk(file, "", root, counts));
        double share = counts.properties == 0 ? 0 : 100.0 * counts.describedProperties / counts.properties;
        System.out.printf("schemas: %d kinds in %d files, %d properties, %d described (%.1f%%), %d definitions%n",
                catalog.kinds().size(), catalog.files().size(), counts.properties, counts.describedProperties, share,
                counts.definitions);
        counts.undescribed.forEach(u -> System.out.println("  undescribed: " + u));
        assertThat(counts.undescribed).isEmpty();
        assertThat(counts.properties).isGreaterThan(700);
    }

    private static final class Counts {
        int properties;
        int describedProperties;
        int definitions;
        final List<String> undescribed = new ArrayList<>();
    }

    private static boolean described(JsonNode schema) {
        return !schema.path("description").asText("").isBlank();
    }

    private static void walk(String file, String at, JsonNode schema, Counts counts) {
        if (!schema.isObject()) {
            return;
        }
        schema.path("properties").fields().forEachRemaining(e -> {
            counts.properties++;
            if (described(e.getValue())) {
                counts.describedProperties++;
            } else {
                counts.undescribed.add(file + at + "/properties/" + e.getKey());
            }
            walk(file, at + "/properties/" + e.getKey(), e.getValue(), counts);
        });
        schema.path("$defs").fields().forEachRemaining(e -> {
            counts.definitions++;
            if (!described(e.getValue())) {
                counts.undescribed.add(file + at + "/$defs/" + e.getKey());
            }
            walk(file, at + "/$defs/" + e.getKey(), e.getValue(), counts);
        });
        for (String key : SCHEMA_VALUES) {
            walk(file, at + "/" + key, schema.path(key), counts);
        }
        for (String key : SCHEMA_LISTS) {
            JsonNode members = schema.path(key);
            for (int i = 0; i < members.size(); i++) {
                walk(file, at + "/" + key + "/" + i, members.get(i), counts);
            }
        }
    }

    @Test
    void kindFilesDeclareTheirGroupVersionKind() {
        for (KindSchema kind : catalog.kindSchemas()) {
            JsonNode props = kind.root().path("properties");
            assertThat(props.path("apiVersion").path("const").asText()).as(kind.file()).isEqualTo(kind.gvk().apiVersion());
            assertThat(props.path("kind").path("const").asText()).as(kind.file()).isEqualTo(kind.gvk().kind());
            assertThat(props.has("metadata")).as(kind.file()).isTrue();
        }
    }

    @Test
    void indexIsReadableJson() throws IOException {
        JsonNode index = new ObjectMapper().readTree(ROOT.resolve("index.json").toFile());
        assertThat(index.path("kinds")).hasSize(catalog.kinds().size());
    }
}
