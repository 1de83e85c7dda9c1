package io.coxswain.schemas.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaCatalog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The documents have the shape kubectl 1.32 needs (see shared/reference/kubectl-requests.md §1.3 and §6). */
class OpenApiGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenApiDocuments docs;
    private static final Map<String, JsonNode> parsed = new TreeMap<>();

    @BeforeAll
    static void generate() throws IOException {
        docs = new OpenApiGenerator(SchemaCatalog.standard()).generate();
        for (Map.Entry<String, byte[]> e : docs.documents().entrySet()) {
            parsed.put(e.getKey(), JSON.readTree(e.getValue()));
        }
        parsed.forEach((gv, doc) -> System.out.printf("openapi %s: %d bytes, %d components%n", gv,
                docs.documents().get(gv).length, doc.path("components").path("schemas").size()));
    }

    @Test
    void indexListsEveryGroupVersionWithItsHash() throws IOException {
        JsonNode index = JSON.readTree(docs.index());
        assertThat(index.path("paths").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/coordination.k8s.io/v1",
                        "apis/rbac.authorization.k8s.io/v1", "apis/authorization.k8s.io/v1", "apis/authentication.k8s.io/v1",
                        "apis/certificates.k8s.io/v1", "apis/discovery.k8s.io/v1");
        index.path("paths").fields().forEachRemaining(e -> assertThat(e.getValue().path("serverRelativeURL").asText())
                .matches("/openapi/v3/" + e.getKey() + "\\?hash=[0-9A-F]{128}"));
    }

    @Test
    void everyKindHasAPatchOperationThatKubectlRecognises() {
        for (KindSchema kind : SchemaCatalog.standard().kindSchemas()) {
            JsonNode doc = parsed.get(kind.gvk().groupVersionPath());
            List<JsonNode> patches = new ArrayList<>();
            doc.path("paths").forEach(item -> {
                JsonNode patch = item.path("patch");
                JsonNode gvk = patch.path("x-kubernetes-group-version-kind");
                if (gvk.path("kind").asText().equals(kind.gvk().kind())) {
                    patches.add(patch);
                }
            });
            assertThat(patches).as(kind.gvk().toString()).hasSize(1);
            JsonNode patch = patches.get(0);
            assertThat(patch.path("x-kubernetes-group-version-kind").path("group").asText()).isEqualTo(kind.gvk().group());
            assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation");
            assertThat(patch.path("requestBody").path("content").has("application/strategic-merge-patch+json")).isTrue();
        }
    }

    @Test
    void everyComponentReferenceResolvesInTheSameDocument() {
        parsed.forEach((gv, doc) -> doc.findValuesAsText("$ref").forEach(ref -> {
            assertThat(ref).startsWith("#/components/schemas/");
            assertThat(doc.at("/components/schemas/" + ref.substring("#/components/schemas/".length()).replace("~", "~0").replace("/", "~1")).isObject())
                    .as(gv + " " + ref).isTrue();
        }));
    }

    @Test
    void componentsCarryKubernetesNamesAndMergeKeys() {
        JsonNode core = parsed.get("api/v1").path("components").path("schemas");
        JsonNode pod = core.path("io.k8s.api.core.v1.Pod");
        assertThat(pod.path("x-kubernetes-group-version-kind").path(0).path("kind").asText()).isEqualTo("Pod");
        assertThat(pod.path("properties").path("spec").path("allOf").path(0).path("$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.api.core.v1.PodSpec");
        JsonNode containers = core.path("io.k8s.api.core.v1.PodSpec").path("properties").path("containers");
        assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(containers.path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
        assertThat(core.path("io.k8s.api.core.v1.PodSpec").path("required").toString()).contains("containers");
        JsonNode ports = core.path("io.k8s.api.core.v1.Container").path("properties").path("ports");
        assertThat(ports.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("containerPort");
        JsonNode targetPort = core.path("io.k8s.api.core.v1.ServicePort").path("properties").path("targetPort");
        assertThat(targetPort.path("allOf").path(0).path("$ref").asText()).endsWith("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
        // Names and label maps are plain strings and maps, as Kubernetes writes them, not components.
        assertThat(core.path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").path("properties").path("name")
                .path("type").asText()).isEqualTo("string");
    }

    @Test
    void appsDocumentCarriesThePodTypesItNeeds() {
        JsonNode apps = parsed.get("apis/apps/v1").path("components").path("schemas");
        assertThat(apps.has("io.k8s.api.apps.v1.Deployment")).isTrue();
        assertThat(apps.has("io.k8s.api.core.v1.PodTemplateSpec")).isTrue();
        assertThat(apps.has("io.k8s.api.core.v1.Container")).isTrue();
        assertThat(apps.has("io.k8s.api.core.v1.Pod")).as("only what apps/v1 refers to").isFalse();
    }

    @Test
    void noJsonSchemaOnlyKeywordsLeakIntoOpenApi() {
        parsed.forEach((gv, doc) -> {
            assertThat(doc.findParents("$defs")).as(gv).isEmpty();
            assertThat(doc.findParents("$schema")).as(gv).isEmpty();
            assertThat(doc.findParents("const")).as(gv).isEmpty();
            doc.findValues("type").forEach(t -> assertThat(t.isTextual() || t.isObject()).as(gv + " type " + t).isTrue());
        });
    }
}
