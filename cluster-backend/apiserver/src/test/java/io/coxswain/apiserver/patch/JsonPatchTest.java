package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.coxswain.apiserver.patch.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPatchTest {

    private static final JsonNode POD = json("{'metadata':{'name':'web','resourceVersion':'7','annotations':{'example.com/a~b':'x'}},"
            + "'spec':{'containers':[{'name':'app','image':'nginx:1'},{'name':'sidecar','image':'envoy'}]}}");

    private static JsonNode patch(String ops) {
        return JsonPatch.apply(POD, json(ops));
    }

    @Test
    void addsReplacesAndRemovesFields() {
        JsonNode out = patch("[{'op':'add','path':'/metadata/labels','value':{'app':'web'}},"
                + "{'op':'replace','path':'/spec/containers/0/image','value':'nginx:2'},"
                + "{'op':'remove','path':'/spec/containers/1'}]");
        assertThat(out.at("/metadata/labels/app").asText()).isEqualTo("web");
        assertThat(out.at("/spec/containers")).hasSize(1);
        assertThat(out.at("/spec/containers/0/image").asText()).isEqualTo("nginx:2");
    }

    @Test
    void leavesTheTargetUntouched() {
        patch("[{'op':'remove','path':'/spec'}]");
        assertThat(POD.has("spec")).isTrue();
    }

    @Test
    void addInsertsIntoArraysAndDashAppends() {
        JsonNode out = patch("[{'op':'add','path':'/spec/containers/0','value':{'name':'init'}},"
                + "{'op':'add','path':'/spec/containers/-','value':{'name':'last'}}]");
        assertThat(out.at("/spec/containers").findValuesAsText("name")).containsExactly("init", "app", "sidecar", "last");
    }

    @Test
    void addOnAnExistingMemberReplacesIt() {
        assertThat(patch("[{'op':'add','path':'/metadata/name','value':'other'}]").at("/metadata/name").asText())
                .isEqualTo("other");
    }

    @Test
    void pointerEscapesAreDecoded() {
        JsonNode out = patch("[{'op':'replace','path':'/metadata/annotations/example.com~1a~0b','value':'y'}]");
        assertThat(out.at("/metadata/annotations").get("example.com/a~b").asText()).isEqualTo("y");
    }

    @Test
    void movesAndCopies() {
        JsonNode out = patch("[{'op':'copy','from':'/spec/containers/0','path':'/spec/containers/-'},"
                + "{'op':'move','from':'/metadata/resourceVersion','path':'/metadata/generation'}]");
        assertThat(out.at("/spec/containers/2/name").asText()).isEqualTo("app");
        assertThat(out.at("/metadata/generation").asText()).isEqualTo("7");
        assertThat(out.at("/metadata").has("resourceVersion")).isFalse();
    }

    @Test
    void copyIsDeep() {
        JsonNode out = patch("[{'op':'copy','from':'/spec/containers/0','path':'/spec/containers/-'},"
                + "{'op':'replace','path':'/spec/containers/2/image','value':'changed'}]");
        assertThat(out.at("/spec/containers/0/image").asText()).isEqualTo("nginx:1");
    }

    @Test
    void moveIntoItsOwnChildFails() {
        assertThatThrownBy(() -> patch("[{'op':'move','from':'/spec','path':'/spec/containers/0/spec'}]"))
                .isInstanceOf(PatchException.class).hasMessageContaining("own child");
    }

    @Test
    void kubectlResourceVersionPreconditionPasses() {
        JsonNode out = patch("[{'op':'test','path':'/metadata/resourceVersion','value':'7'},"
                + "{'op':'replace','path':'/metadata/resourceVersion','value':'7'},"
                + "{'op':'replace','path':'/spec/containers/0/image','value':'nginx:3'}]");
        assertThat(out.at("/spec/containers/0/image").asText()).isEqualTo("nginx:3");
    }

    @Test
    void failedTestNamesTheOperationAndPath() {
        assertThatThrownBy(() -> patch("[{'op':'replace','path':'/metadata/name','value':'a'},"
                + "{'op':'test','path':'/metadata/resourceVersion','value':'6'}]"))
                .isInstanceOf(PatchException.class)
                .hasMessageStartingWith("json patch operation 1 (test /metadata/resourceVersion): test failed");
    }

    @Test
    void testComparesNumbersByValueAndObjectsIgnoringOrder() {
        JsonNode doc = json("{'a':1,'b':{'x':1,'y':[1,2]}}");
        JsonPatch.apply(doc, json("[{'op':'test','path':'/a','value':1.0},{'op':'test','path':'/b','value':{'y':[1,2],'x':1}}]"));
        assertThatThrownBy(() -> JsonPatch.apply(doc, json("[{'op':'test','path':'/b/y','value':[2,1]}]")))
                .isInstanceOf(PatchException.class);
    }

    @Test
    void replaceAndRemoveNeedAnExistingTarget() {
        assertThatThrownBy(() -> patch("[{'op':'replace','path':'/metadata/labels','value':{}}]"))
                .hasMessage("json patch operation 0 (replace /metadata/labels): path /metadata/labels does not exist");
        assertThatThrownBy(() -> patch("[{'op':'remove','path':'/spec/containers/5'}]"))
                .hasMessageContaining("operation 0 (remove /spec/containers/5)");
    }

    @Test
    void addNeedsAnExistingParent() {
        assertThatThrownBy(() -> patch("[{'op':'add','path':'/metadata/labels/app','value':'x'}]"))
                .isInstanceOf(PatchException.class).hasMessageContaining("/metadata/labels does not exist");
    }

    @Test
    void arrayIndexesAreStrict() {
        assertThatThrownBy(() -> patch("[{'op':'add','path':'/spec/containers/3','value':{}}]"))
                .hasMessageContaining("out of bounds");
        assertThatThrownBy(() -> patch("[{'op':'replace','path':'/spec/containers/01/image','value':'x'}]"))
                .isInstanceOf(PatchException.class);
        assertThatThrownBy(() -> patch("[{'op':'add','path':'/spec/containers/x','value':{}}]"))
                .isInstanceOf(PatchException.class);
    }

    @Test
    void malformedOperationsAreRejected() {
        assertThatThrownBy(() -> patch("{'op':'add'}")).hasMessageContaining("must be an array");
        assertThatThrownBy(() -> patch("[{'op':'frobnicate','path':'/a'}]")).hasMessageContaining("unknown operation \"frobnicate\"");
        assertThatThrownBy(() -> patch("[{'path':'/a'}]")).hasMessageContaining("missing \"op\"");
        assertThatThrownBy(() -> patch("[{'op':'add','path':'/a'}]")).hasMessageContaining("missing \"value\"");
        assertThatThrownBy(() -> patch("[{'op':'add','value':1}]")).hasMessageContaining("missing \"path\"");
        assertThatThrownBy(() -> patch("[{'op':'move','path':'/a'}]")).hasMessageContaining("missing \"from\"");
        assertThatThrownBy(() -> patch("[{'op':'add','path':'a','value':1}]")).isInstanceOf(PatchException.class);
    }

    @Test
    void emptyPathAddressesTheWholeDocument() {
        assertThat(patch("[{'op':'replace','path':'','value':{'x':1}}]")).isEqualTo(json("{'x':1}"));
        assertThat(patch("[{'op':'test','path':'','value':" + POD + "}]")).isEqualTo(POD);
        assertThatThrownBy(() -> patch("[{'op':'remove','path':''}]")).hasMessageContaining("whole document");
    }

    @Test
    void emptyKeyIsAValidToken() {
        JsonNode out = JsonPatch.apply(json("{'':{'a':1}}"), json("[{'op':'replace','path':'//a','value':2}]"));
        assertThat(out).isEqualTo(json("{'':{'a':2}}"));
    }
}
