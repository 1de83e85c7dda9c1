package io.coxswain.schemas;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaNavigatorTest {

    private final SchemaCatalog catalog = SchemaCatalog.standard();
    private final SchemaNavigator navigator = new SchemaNavigator(catalog);

    private KindSchema kind(String apiVersion, String kind) {
        return catalog.find(apiVersion, kind).orElseThrow();
    }

    @Test
    void walksThroughReferencesListsAndFiles() {
        SchemaView image = navigator.at(kind("apps/v1", "Deployment"), "spec.template.spec.containers[0].image").orElseThrow();
        assertThat(image.types()).containsExactly("string");
        assertThat(image.description()).isNotBlank();

        SchemaView containers = navigator.at(kind("v1", "Pod"), List.of("spec", "containers")).orElseThrow();
        assertThat(containers.types()).containsExactly("array");
        assertThat(containers.extension("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(containers.items().orElseThrow().typeName()).isEqualTo("Container");
        assertThat(containers.items().orElseThrow().required()).contains("name");
    }

    @Test
    void resolvesCronJobThroughTheJobFile() {
        SchemaView restart = navigator.at(kind("batch/v1", "CronJob"), "spec.jobTemplate.spec.template.spec.restartPolicy")
                .orElseThrow();
        assertThat(restart.enumValues()).extracting(n -> n.asText()).containsExactlyInAnyOrder("Always", "OnFailure", "Never");
    }

    @Test
    void mapValuesAndSharedScalars() {
        SchemaView cpu = navigator.at(kind("v1", "Pod"), "spec.containers[0].resources.limits.cpu").orElseThrow();
        assertThat(cpu.typeName()).isEqualTo("Quantity");
        assertThat(cpu.extension("x-kubernetes-int-or-string").asBoolean()).isTrue();
        SchemaView label = navigator.at(kind("v1", "Service"), "metadata.labels.app").orElseThrow();
        assertThat(label.types()).containsExactly("string");
    }

    @Test
    void propertiesIncludeEveryFieldOfTheType() {
        SchemaView spec = navigator.at(kind("apps/v1", "Deployment"), "spec").orElseThrow();
        assertThat(spec.properties().keySet()).contains("replicas", "selector", "template", "strategy", "minReadySeconds",
                "revisionHistoryLimit", "paused", "progressDeadlineSeconds");
        assertThat(spec.required()).contains("selector", "template");
        SchemaView root = navigator.root(kind("v1", "Service"));
        assertThat(root.properties().keySet()).containsExactly("apiVersion", "kind", "metadata", "spec", "status");
    }

    @Test
    void unknownPathsAreEmpty() {
        assertThat(navigator.at(kind("v1", "Pod"), "spec.containerz")).isEmpty();
        assertThat(navigator.at(kind("v1", "Pod"), "spec.containers[0].image.deeper")).isEmpty();
    }

    @Test
    void fieldPathsAndPointersConvert() {
        assertThat(FieldPath.parse("spec.containers[0].ports[1].name")).containsExactly("spec", "containers", 0, "ports", 1, "name");
        assertThat(FieldPath.fromPointer("/spec/containers/0/image")).isEqualTo("spec.containers[0].image");
        assertThat(FieldPath.child("/metadata/labels", "app.kubernetes.io/name")).isEqualTo("/metadata/labels/app.kubernetes.io~1name");
    }
}
