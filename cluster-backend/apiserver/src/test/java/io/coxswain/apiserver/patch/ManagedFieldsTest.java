package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.coxswain.apiserver.patch.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

class ManagedFieldsTest {

    static final Instant T1 = Instant.parse("2024-05-01T10:00:00.123Z");
    static final Instant T2 = Instant.parse("2024-05-01T11:00:00Z");

    static JsonNode entry(JsonNode obj, String manager) {
        for (JsonNode e : obj.at("/metadata/managedFields")) {
            if (e.path("manager").asText().equals(manager)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void createGivesTheCreatorEveryField() {
        JsonNode out = ManagedFields.recordUpdate(null, FieldSetTest.DEPLOYMENT, "kubectl-create", "apps/v1", Json.deployment(), T1);
        JsonNode e = entry(out, "kubectl-create");
        assertThat(e).isEqualTo(json("{'manager':'kubectl-create','operation':'Update','apiVersion':'apps/v1',"
                + "'time':'2024-05-01T10:00:00Z','fieldsType':'FieldsV1','fieldsV1':"
                + ManagedFields.fieldSet(FieldSetTest.DEPLOYMENT, Json.deployment()).toFieldsV1() + "}"));
        assertThat(out.at("/spec")).isEqualTo(FieldSetTest.DEPLOYMENT.at("/spec"));
    }

    @Test
    void updateTakesChangedFieldsFromOtherManagers() {
        JsonNode created = ManagedFields.recordUpdate(null, FieldSetTest.DEPLOYMENT, "kubectl-create", "apps/v1", Json.deployment(), T1);
        ObjectNode scaled = created.deepCopy();
        scaled.with("spec").put("replicas", 5);
        JsonNode out = ManagedFields.recordUpdate(created, scaled, "kubectl-scale", "apps/v1", Json.deployment(), T2);
        assertThat(entry(out, "kubectl-scale").get("fieldsV1")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
        assertThat(entry(out, "kubectl-create").at("/fieldsV1/f:spec").has("f:replicas")).isFalse();
        assertThat(entry(out, "kubectl-create").get("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(out.at("/metadata/managedFields/1/manager").asText()).isEqualTo("kubectl-scale");
    }

    @Test
    void removedFieldsLeaveEverySet() {
        JsonNode created = ManagedFields.recordUpdate(null, FieldSetTest.DEPLOYMENT, "kubectl-create", "apps/v1", Json.deployment(), T1);
        ObjectNode edited = created.deepCopy();
        ((ObjectNode) edited.get("metadata")).remove("labels");
        JsonNode out = ManagedFields.recordUpdate(created, edited, "kubectl-edit", "apps/v1", Json.deployment(), T2);
        assertThat(entry(out, "kubectl-edit")).isNull();
        assertThat(entry(out, "kubectl-create").get("fieldsV1").has("f:metadata")).isFalse();
    }

    @Test
    void anUnchangedObjectKeepsItsManagedFields() {
        JsonNode created = ManagedFields.recordUpdate(null, FieldSetTest.DEPLOYMENT, "kubectl-create", "apps/v1", Json.deployment(), T1);
        ObjectNode same = created.deepCopy();
        ((ObjectNode) same.get("metadata")).remove("managedFields");
        ((ObjectNode) same.get("metadata")).put("resourceVersion", "6");
        JsonNode out = ManagedFields.recordUpdate(created, same, "other", "apps/v1", Json.deployment(), T2);
        assertThat(out.at("/metadata/managedFields")).isEqualTo(created.at("/metadata/managedFields"));
    }

    @Test
    void anUpdaterKeepsWhatItOwnedAndAddsWhatItChanges() {
        JsonNode created = ManagedFields.recordUpdate(null, FieldSetTest.DEPLOYMENT, "kubectl", "apps/v1", Json.deployment(), T1);
        ObjectNode edited = created.deepCopy();
        edited.with("metadata").with("labels").put("tier", "front");
        JsonNode out = ManagedFields.recordUpdate(created, edited, "kubectl", "apps/v1", Json.deployment(), T2);
        assertThat(out.at("/metadata/managedFields")).hasSize(1);
        assertThat(entry(out, "kubectl").at("/fieldsV1/f:metadata/f:labels")).isEqualTo(json("{'f:app':{},'f:tier':{}}"));
        assertThat(entry(out, "kubectl").get("time").asText()).isEqualTo("2024-05-01T11:00:00Z");
    }

    @Test
    void theSameNameAtAnotherApiVersionIsAnotherManager() {
        JsonNode created = ManagedFields.recordUpdate(null, FieldSetTest.DEPLOYMENT, "kubectl", "apps/v1beta1", Json.deployment(), T1);
        ObjectNode scaled = created.deepCopy();
        scaled.with("spec").put("replicas", 3);
        JsonNode out = ManagedFields.recordUpdate(created, scaled, "kubectl", "apps/v1", Json.deployment(), T2);
        assertThat(out.at("/metadata/managedFields")).hasSize(2);
    }

    @Test
    void statusChangesAreNotOwnedOnTheMainResource() {
        JsonNode created = ManagedFields.recordUpdate(null, FieldSetTest.DEPLOYMENT, "kubectl", "apps/v1", Json.deployment(), T1);
        ObjectNode withStatus = created.deepCopy();
        withStatus.with("status").put("replicas", 4);
        JsonNode out = ManagedFields.recordUpdate(created, withStatus, "controller", "apps/v1", Json.deployment(), T2);
        assertThat(entry(out, "controller")).isNull();
    }
}
