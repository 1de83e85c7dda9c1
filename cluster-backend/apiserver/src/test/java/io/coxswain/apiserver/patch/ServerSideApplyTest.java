package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.SchemaView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.coxswain.apiserver.patch.Json.json;
import static io.coxswain.apiserver.patch.ManagedFieldsTest.T1;
import static io.coxswain.apiserver.patch.ManagedFieldsTest.T2;
import static io.coxswain.apiserver.patch.ManagedFieldsTest.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerSideApplyTest {

    private static final SchemaView SCHEMA = Json.deployment();

    private static JsonNode config(String replicas, String containers) {
        return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'}},"
                + "'spec':{" + (replicas == null ? "" : "'replicas':" + replicas + ",")
                + "'selector':{'matchLabels':{'app':'web'}},"
                + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':" + containers + "}}}}");
    }

    private static final String APP = "[{'name':'app','image':'nginx:1'}]";

    private static JsonNode apply(JsonNode live, JsonNode config, String manager, boolean force) {
        return ServerSideApply.apply(live, config, manager, force, SCHEMA, "apps/v1", T2);
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.forEach(e -> out.add(e.path("name").asText()));
        return out;
    }

    @Test
    void createRecordsTheApplier() {
        JsonNode out = apply(null, config("2", APP), "kubectl", false);
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode e = entry(out, "kubectl");
        assertThat(e.get("operation").asText()).isEqualTo("Apply");
        assertThat(e.get("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(e.get("time").asText()).isEqualTo("2024-05-01T11:00:00Z");
        assertThat(e.get("fieldsType").asText()).isEqualTo("FieldsV1");
        assertThat(e.get("fieldsV1")).isEqualTo(ManagedFields.fieldSet(config("2", APP), SCHEMA).toFieldsV1());
    }

    @Test
    void fieldsTheApplierDropsAreRemoved() {
        JsonNode live = apply(null, config("2", "[{'name':'app','image':'nginx:1'},{'name':'sidecar','image':'envoy'}]"), "kubectl", false);
        JsonNode out = apply(live, config(null, APP), "kubectl", false);
        assertThat(out.at("/spec").has("replicas")).isFalse();
        assertThat(names(out.at("/spec/template/spec/containers"))).containsExactly("app");
        assertThat(entry(out, "kubectl").at("/fieldsV1/f:spec").has("f:replicas")).isFalse();
    }

    @Test
    void unownedFieldsSurviveARemovalAround() {
        // A defaulted field (owned by nobody) inside a container the applier keeps.
        ObjectNode live = (ObjectNode) apply(null, config("2", APP), "kubectl", false);
        ((ObjectNode) live.at("/spec/template/spec/containers/0")).put("imagePullPolicy", "IfNotPresent");
        JsonNode out = apply(live, config(null, APP), "kubectl", false);
        assertThat(out.at("/spec/template/spec/containers/0/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    }

    @Test
    void reapplyingTheSameConfigurationChangesNothing() {
        JsonNode live = apply(null, config("2", APP), "kubectl", false);
        JsonNode again = ServerSideApply.apply(live, config("2", APP), "kubectl", false, SCHEMA, "apps/v1", T2);
        assertThat(again).isEqualTo(live);
    }

    @Test
    void changingAFieldAnUpdaterOwnsConflicts() {
        JsonNode live = ManagedFields.recordUpdate(null, config("2", APP), "kubectl-client-side-apply", "apps/v1", SCHEMA, T1);
        assertThatThrownBy(() -> apply(live, config("3", APP), "kubectl", false))
                .isInstanceOf(ApplyConflictException.class)
                .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas")
                .satisfies(ex -> {
                    ApplyConflictException.Conflict c = ((ApplyConflictException) ex).conflicts().get(0);
                    assertThat(c.manager()).isEqualTo("kubectl-client-side-apply");
                    assertThat(c.field()).isEqualTo(".spec.replicas");
                    assertThat(c.causeMessage()).isEqualTo("conflict with \"kubectl-client-side-apply\" using apps/v1");
                });
    }

    @Test
    void conflictsWithAnotherApplierNameOnlyTheManager() {
        JsonNode live = apply(null, config("2", APP), "helm", false);
        assertThatThrownBy(() -> apply(live, config("2", "[{'name':'app','image':'nginx:2'}]"), "kubectl", false))
                .hasMessage("Apply failed with 1 conflict: conflict with \"helm\": .spec.template.spec.containers[name=\"app\"].image");
    }

    @Test
    void severalConflictsAreListed() {
        JsonNode live = ManagedFields.recordUpdate(null, config("2", APP), "kubectl-client-side-apply", "apps/v1", SCHEMA, T1);
        assertThatThrownBy(() -> apply(live, config("3", "[{'name':'app','image':'nginx:2'}]"), "kubectl", false))
                .hasMessage("Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n"
                        + "- .spec.replicas\n"
                        + "- .spec.template.spec.containers[name=\"app\"].image");
    }

    @Test
    void forceTakesOwnership() {
        JsonNode live = ManagedFields.recordUpdate(null, config("2", APP), "kubectl-client-side-apply", "apps/v1", SCHEMA, T1);
        JsonNode out = apply(live, config("3", APP), "kubectl", true);
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(entry(out, "kubectl").at("/fieldsV1/f:spec").has("f:replicas")).isTrue();
        assertThat(entry(out, "kubectl-client-side-apply").at("/fieldsV1/f:spec").has("f:replicas")).isFalse();
        assertThat(entry(out, "kubectl-client-side-apply").at("/fieldsV1/f:spec").has("f:selector")).isTrue();
        assertThat(out.at("/metadata/managedFields/0/operation").asText()).isEqualTo("Apply");
    }

    @Test
    void applyingTheSameValueSharesOwnership() {
        JsonNode live = ManagedFields.recordUpdate(null, config("2", APP), "kubectl-client-side-apply", "apps/v1", SCHEMA, T1);
        JsonNode out = apply(live, config("2", APP), "kubectl", false);
        assertThat(entry(out, "kubectl").at("/fieldsV1/f:spec").has("f:replicas")).isTrue();
        assertThat(entry(out, "kubectl-client-side-apply").at("/fieldsV1/f:spec").has("f:replicas")).isTrue();
    }

    @Test
    void aFieldStillOwnedByAnotherManagerIsKept() {
        JsonNode live = apply(null, config("2", APP), "kubectl", false);
        live = apply(live, config("2", APP), "other", false);
        JsonNode out = apply(live, config(null, APP), "kubectl", false);
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(entry(out, "other").at("/fieldsV1/f:spec").has("f:replicas")).isTrue();
    }

    @Test
    void listMapsMergeByKeyAcrossManagers() {
        JsonNode live = apply(null, config(null, APP), "kubectl", false);
        JsonNode out = apply(live, config(null, "[{'name':'sidecar','image':'envoy'}]"), "mesh", false);
        assertThat(names(out.at("/spec/template/spec/containers"))).containsExactly("app", "sidecar");
        // kubectl keeps "app"; removing its own sidecar-free config does not touch mesh's container.
        JsonNode again = apply(out, config(null, APP), "kubectl", false);
        assertThat(names(again.at("/spec/template/spec/containers"))).containsExactly("app", "sidecar");
    }

    @Test
    void listMapKeysUseDefaults() {
        // A port applied without protocol matches the live port that was defaulted to TCP.
        String ports = "[{'name':'app','image':'nginx:1','ports':[{'containerPort':80}]}]";
        ObjectNode live = (ObjectNode) apply(null, config(null, ports), "kubectl", false);
        ((ObjectNode) live.at("/spec/template/spec/containers/0/ports/0")).put("protocol", "TCP");
        JsonNode out = apply(live, config(null, "[{'name':'app','image':'nginx:1','ports':[{'containerPort':80,'name':'http'}]}]"),
                "kubectl", false);
        assertThat(out.at("/spec/template/spec/containers/0/ports")).isEqualTo(json("[{'containerPort':80,'protocol':'TCP','name':'http'}]"));
    }

    @Test
    void sharedItemsFollowTheAppliedOrder() {
        JsonNode live = apply(null, config(null, "[{'name':'a'},{'name':'b'}]"), "kubectl", false);
        JsonNode out = apply(live, config(null, "[{'name':'b'},{'name':'a'}]"), "kubectl", false);
        assertThat(names(out.at("/spec/template/spec/containers"))).containsExactly("b", "a");
    }

    @Test
    void atomicFieldsAreReplacedWhole() {
        JsonNode live = apply(null, config(null, "[{'name':'app','args':['-a','-b']}]"), "kubectl", false);
        JsonNode out = apply(live, config(null, "[{'name':'app','args':['-c']}]"), "kubectl", false);
        assertThat(out.at("/spec/template/spec/containers/0/args")).isEqualTo(json("['-c']"));
    }

    @Test
    void statusAndServerFieldsAreLeftAlone() {
        ObjectNode live = (ObjectNode) apply(null, config("2", APP), "kubectl", false);
        live.with("metadata").put("resourceVersion", "9").put("uid", "u1");
        live.with("status").put("replicas", 2);
        JsonNode out = apply(live, config("2", APP), "kubectl", false);
        assertThat(out.at("/status/replicas").asInt()).isEqualTo(2);
        assertThat(out.at("/metadata/uid").asText()).isEqualTo("u1");
        assertThat(entry(out, "kubectl").get("fieldsV1").has("f:status")).isFalse();
    }

    @Test
    void managedFieldsInTheConfigurationAreIgnored() {
        ObjectNode cfg = (ObjectNode) config("2", APP);
        cfg.with("metadata").set("managedFields", json("[{'manager':'forged','operation':'Apply','fieldsV1':{'f:spec':{}}}]"));
        JsonNode out = apply(null, cfg, "kubectl", false);
        assertThat(out.at("/metadata/managedFields")).hasSize(1);
        assertThat(entry(out, "forged")).isNull();
    }

    @Test
    void anUpdateAfterAnApplyTakesOwnership() {
        JsonNode live = apply(null, config("2", APP), "kubectl", false);
        ObjectNode scaled = live.deepCopy();
        scaled.with("spec").put("replicas", 5);
        JsonNode updated = ManagedFields.recordUpdate(live, scaled, "kube-controller-manager", "apps/v1", SCHEMA, T2);
        assertThatThrownBy(() -> apply(updated, config("2", APP), "kubectl", false))
                .hasMessageContaining("conflict with \"kube-controller-manager\" using apps/v1: .spec.replicas");
    }

    @Test
    void serviceApplyMergesPortsByPortAndProtocol() {
        SchemaView svc = Json.service();
        JsonNode cfg = json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'s'},'spec':{'selector':{'app':'web'},"
                + "'ports':[{'port':80,'protocol':'TCP','targetPort':8080}]}}");
        JsonNode live = ServerSideApply.apply(null, cfg, "kubectl", false, svc, "v1", T1);
        assertThat(entry(live, "kubectl").at("/fieldsV1/f:spec/f:ports")).isEqualTo(
                json("{'k:{\\'port\\':80,\\'protocol\\':\\'TCP\\'}':{'.':{},'f:port':{},'f:protocol':{},'f:targetPort':{}}}"
                        .replace("\\'", "\\\"")));
        assertThat(entry(live, "kubectl").at("/fieldsV1/f:spec/f:selector")).isEqualTo(json("{}"));
    }
}
