package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.coxswain.apiserver.patch.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategicMergePatchTest {

    private static final JsonNode DEPLOYMENT = json("{'apiVersion':'apps/v1','kind':'Deployment',"
            + "'metadata':{'name':'web','labels':{'app':'web','tier':'front'},'finalizers':['a','b']},"
            + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},"
            + "'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1,'maxUnavailable':0}},"
            + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{"
            + "'containers':["
            + "{'name':'app','image':'nginx:1','args':['-a','-b'],'env':[{'name':'A','value':'1'}],"
            + "'ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':8080,'protocol':'TCP'}]},"
            + "{'name':'sidecar','image':'envoy:1'}],"
            + "'volumes':[{'name':'data','emptyDir':{}}]}}}}");

    private static JsonNode patch(String patch) {
        return StrategicMergePatch.apply(DEPLOYMENT, json(patch), Json.deployment());
    }

    private static java.util.List<String> names(JsonNode list) {
        java.util.List<String> out = new java.util.ArrayList<>();
        list.forEach(e -> out.add(e.path("name").asText()));
        return out;
    }

    private static JsonNode containers(JsonNode d) {
        return d.at("/spec/template/spec/containers");
    }

    @Test
    void kubectlApplyChangingOneImage() {
        // What kubectl apply sends when only the image of "app" changed.
        JsonNode out = patch("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'sidecar'}],"
                + "'containers':[{'image':'nginx:2','name':'app'}]}}}}");
        assertThat(names(containers(out))).containsExactly("app", "sidecar");
        assertThat(containers(out).get(0).get("image").asText()).isEqualTo("nginx:2");
        assertThat(containers(out).get(0).get("ports")).hasSize(2);
        assertThat(containers(out).get(1)).isEqualTo(json("{'name':'sidecar','image':'envoy:1'}"));
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(2);
    }

    @Test
    void patchedAndNewElementsWithoutSetElementOrder() {
        // A patched live element keeps its live place relative to the server-only ones; the new one follows it.
        JsonNode both = patch("{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','image':'envoy:2'},{'name':'extra','image':'x'}]}}}}");
        assertThat(names(containers(both))).containsExactly("app", "sidecar", "extra");
        assertThat(containers(both).get(1).get("image").asText()).isEqualTo("envoy:2");
    }

    @Test
    void addingAnEnvVar() {
        JsonNode out = patch("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'sidecar'}],"
                + "'containers':[{'$setElementOrder/env':[{'name':'A'},{'name':'B'}],'env':[{'name':'B','value':'2'}],'name':'app'}]}}}}");
        assertThat(containers(out).get(0).get("env")).isEqualTo(json("[{'name':'A','value':'1'},{'name':'B','value':'2'}]"));
    }

    @Test
    void deletingAPortWithPatchDelete() {
        JsonNode out = patch("{'spec':{'template':{'spec':{'containers':[{'name':'app',"
                + "'$setElementOrder/ports':[{'containerPort':80}],'ports':[{'$patch':'delete','containerPort':8080}]}]}}}}");
        assertThat(containers(out).get(0).get("ports")).isEqualTo(json("[{'containerPort':80,'protocol':'TCP'}]"));
    }

    @Test
    void deletingAContainerByKey() {
        JsonNode out = patch("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'app'}],"
                + "'containers':[{'$patch':'delete','name':'sidecar'}]}}}}");
        assertThat(names(containers(out))).containsExactly("app");
    }

    @Test
    void newListElementsGoBeforeTheLiveOnes() {
        // strategicpatch's mergeSlice orders the result by the patch, and mergeSortedSlice puts an element the
        // live list lacks ahead of the server-only ones: kube-apiserver gives logger, app, sidecar.
        JsonNode out = patch("{'spec':{'template':{'spec':{'containers':[{'name':'logger','image':'fluent'}]}}}}");
        assertThat(names(containers(out))).containsExactly("logger", "app", "sidecar");
    }

    @Test
    void setElementOrderReordersAndKeepsServerOnlyItemsInPlace() {
        JsonNode original = json("{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'server'},{'name':'b'}]}}}}");
        JsonNode out = StrategicMergePatch.apply(original, json("{'spec':{'template':{'spec':{"
                + "'$setElementOrder/containers':[{'name':'b'},{'name':'c'},{'name':'a'}],"
                + "'containers':[{'name':'c','image':'x'}]}}}}"), Json.deployment());
        // As strategicpatch's mergeSortedSlice: "server" preceded "b" live, so it goes before it.
        assertThat(names(containers(out))).containsExactly("server", "b", "c", "a");
    }

    @Test
    void nullDeletesAField() {
        JsonNode out = patch("{'metadata':{'labels':{'tier':null}},'spec':{'replicas':null}}");
        assertThat(out.at("/metadata/labels")).isEqualTo(json("{'app':'web'}"));
        assertThat(out.at("/spec").has("replicas")).isFalse();
    }

    @Test
    void listsWithoutStrategyAreReplaced() {
        JsonNode out = patch("{'spec':{'template':{'spec':{'containers':[{'name':'app','args':['-c']}]}}}}");
        assertThat(containers(out).get(0).get("args")).isEqualTo(json("['-c']"));
        assertThat(containers(out).get(0).get("image").asText()).isEqualTo("nginx:1");
    }

    @Test
    void patchReplaceInAList() {
        JsonNode out = patch("{'spec':{'template':{'spec':{'containers':[{'name':'only','image':'x'},{'$patch':'replace'}]}}}}");
        assertThat(containers(out)).isEqualTo(json("[{'name':'only','image':'x'}]"));
    }

    @Test
    void patchReplaceOnAMap() {
        JsonNode out = patch("{'metadata':{'labels':{'$patch':'replace','new':'1'}}}");
        assertThat(out.at("/metadata/labels")).isEqualTo(json("{'new':'1'}"));
    }

    @Test
    void patchDeleteOnAMapRemovesIt() {
        JsonNode out = patch("{'spec':{'strategy':{'$patch':'delete'}}}");
        assertThat(out.at("/spec").has("strategy")).isFalse();
    }

    @Test
    void patchMergeIsTheDefault() {
        JsonNode out = patch("{'metadata':{'labels':{'$patch':'merge','new':'1'}}}");
        assertThat(out.at("/metadata/labels")).isEqualTo(json("{'app':'web','tier':'front','new':'1'}"));
    }

    @Test
    void primitiveListsWithMergeStrategyAreUnions() {
        JsonNode out = patch("{'metadata':{'finalizers':['b','c']}}");
        assertThat(out.at("/metadata/finalizers")).isEqualTo(json("['a','b','c']"));
    }

    @Test
    void deleteFromPrimitiveList() {
        JsonNode out = patch("{'metadata':{'$deleteFromPrimitiveList/finalizers':['a'],'$setElementOrder/finalizers':['b']}}");
        assertThat(out.at("/metadata/finalizers")).isEqualTo(json("['b']"));
    }

    @Test
    void emptyListWithMergeStrategyChangesNothing() {
        assertThat(patch("{'metadata':{'finalizers':[]}}").at("/metadata/finalizers")).isEqualTo(json("['a','b']"));
    }

    @Test
    void retainKeysClearsTheOtherMemberOfAUnion() {
        // kubectl apply switching the strategy from RollingUpdate to Recreate.
        JsonNode out = patch("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");
        assertThat(out.at("/spec/strategy")).isEqualTo(json("{'type':'Recreate'}"));
    }

    @Test
    void retainKeysOnAVolumeItem() {
        JsonNode out = patch("{'spec':{'template':{'spec':{'volumes':[{'$retainKeys':['configMap','name'],"
                + "'name':'data','configMap':{'name':'cfg'}}]}}}}");
        assertThat(out.at("/spec/template/spec/volumes")).isEqualTo(json("[{'name':'data','configMap':{'name':'cfg'}}]"));
    }

    @Test
    void retainKeysMustNameEveryPatchedField() {
        assertThatThrownBy(() -> patch("{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{'maxSurge':2}}}}"))
                .isInstanceOf(PatchException.class).hasMessageContaining("rollingUpdate");
    }

    @Test
    void servicePortsMergeByPort() {
        JsonNode svc = json("{'spec':{'selector':{'app':'web'},'ports':[{'name':'http','port':80,'targetPort':8080},"
                + "{'name':'https','port':443}]}}");
        JsonNode out = StrategicMergePatch.apply(svc, json("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}"), Json.service());
        assertThat(out.at("/spec/ports")).isEqualTo(json("[{'name':'http','port':80,'targetPort':9090},{'name':'https','port':443}]"));
    }

    @Test
    void selectorMatchLabelsMergeLikeMaps() {
        JsonNode out = patch("{'spec':{'selector':{'matchLabels':{'tier':'front'}}}}");
        assertThat(out.at("/spec/selector/matchLabels")).isEqualTo(json("{'app':'web','tier':'front'}"));
    }

    @Test
    void unknownSchemaMergesMapsAndReplacesLists() {
        JsonNode original = json("{'spec':{'a':{'x':1,'y':2},'list':[{'name':'a'}]}}");
        JsonNode out = StrategicMergePatch.apply(original, json("{'spec':{'a':{'y':null,'z':3},'list':[{'name':'b'}]}}"), null);
        assertThat(out).isEqualTo(json("{'spec':{'a':{'x':1,'z':3},'list':[{'name':'b'}]}}"));
    }

    @Test
    void fieldsOutsideTheSchemaFallBackToMergePatch() {
        JsonNode out = patch("{'spec':{'template':{'spec':{'containers':[{'name':'app','unknownList':[1]}]}}},"
                + "'extra':{'list':[{'name':'x'}]}}");
        assertThat(containers(out).get(0).get("unknownList")).isEqualTo(json("[1]"));
        assertThat(out.get("extra")).isEqualTo(json("{'list':[{'name':'x'}]}"));
    }

    @Test
    void elementWithoutMergeKeyIsAnError() {
        assertThatThrownBy(() -> patch("{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}"))
                .isInstanceOf(PatchException.class)
                .hasMessageContaining("does not contain declared merge key: name")
                .hasMessageContaining(".spec.template.spec.containers");
    }

    @Test
    void unknownDirectiveIsAnError() {
        assertThatThrownBy(() -> patch("{'metadata':{'labels':{'$patch':'explode'}}}"))
                .isInstanceOf(PatchException.class).hasMessageContaining("explode");
    }

    @Test
    void directivesInsideNewValuesAreApplied() {
        JsonNode original = json("{'spec':{'containers':[{'name':'app','image':'x'}]}}");
        JsonNode out = StrategicMergePatch.apply(original, json("{'spec':{'containers':[{'name':'app',"
                + "'env':[{'name':'A','value':'1'},{'name':'B','$patch':'delete'}],'resources':{'limits':{'cpu':null,'memory':'1Gi'}}}]}}"),
                Json.pod());
        assertThat(out.at("/spec/containers/0/env")).isEqualTo(json("[{'name':'A','value':'1'}]"));
        assertThat(out.at("/spec/containers/0/resources")).isEqualTo(json("{'limits':{'memory':'1Gi'}}"));
    }

    @Test
    void doesNotMutateItsInputs() {
        JsonNode before = DEPLOYMENT.deepCopy();
        JsonNode p = json("{'metadata':{'labels':{'$patch':'replace'}}}");
        StrategicMergePatch.apply(DEPLOYMENT, p, Json.deployment());
        assertThat(DEPLOYMENT).isEqualTo(before);
        assertThat(p.at("/metadata/labels").has("$patch")).isTrue();
    }

    @Test
    void topLevelPatchDeleteEmptiesTheObject() {
        assertThat(patch("{'$patch':'delete'}")).isEqualTo(json("{}"));
    }

    @Test
    void nonObjectPatchIsRejected() {
        assertThatThrownBy(() -> StrategicMergePatch.apply(DEPLOYMENT, json("[1]"), Json.deployment()))
                .isInstanceOf(PatchException.class);
    }
}
