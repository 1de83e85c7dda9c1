package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.coxswain.apiserver.patch.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

class FieldSetTest {

    static final JsonNode DEPLOYMENT = json("{'apiVersion':'apps/v1','kind':'Deployment',"
            + "'metadata':{'name':'web','namespace':'default','resourceVersion':'5','uid':'u1','labels':{'app':'web'}},"
            + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},"
            + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'app','image':'nginx',"
            + "'args':['-v'],'ports':[{'containerPort':80}]}]}}},"
            + "'status':{'replicas':2}}");

    @Test
    void fieldSetOfADeploymentIsWhatKubernetesRecords() {
        FieldSet set = ManagedFields.fieldSet(DEPLOYMENT, Json.deployment());
        assertThat(set.toFieldsV1()).isEqualTo(json("{'f:metadata':{'f:labels':{'f:app':{}}},"
                + "'f:spec':{'f:replicas':{},'f:selector':{},'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},"
                + "'f:spec':{'f:containers':{'k:{\\'name\\':\\'app\\'}':{'.':{},'f:args':{},'f:image':{},'f:name':{},"
                + "'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':{'.':{},'f:containerPort':{}}}}}}}}}"
                .replace("\\'", "\\\"")));
    }

    @Test
    void encodingIsOrderedAsKubernetesWritesIt() {
        FieldSet set = ManagedFields.fieldSet(DEPLOYMENT, Json.deployment());
        assertThat(set.toFieldsV1().toString()).startsWith("{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:replicas\":{},\"f:selector\":{}");
        assertThat(set.toFieldsV1().toString()).contains("{\".\":{},\"f:args\":{},\"f:image\":{},\"f:name\":{}");
    }

    @Test
    void decodesRealFieldsV1AndEncodesItBack() {
        // As kubectl apply --server-side records it for a Deployment with finalizers and an env var.
        JsonNode fieldsV1 = json("{'f:metadata':{'f:finalizers':{'v:\\'example.com/x\\'':{}},'f:labels':{'.':{},'f:app':{}}},"
                + "'f:spec':{'f:template':{'f:spec':{'f:containers':{'k:{\\'name\\':\\'app\\'}':{'.':{},"
                + "'f:env':{'k:{\\'name\\':\\'A\\'}':{'.':{},'f:name':{},'f:value':{}}},'f:name':{}}}}}}}".replace("\\'", "\\\""));
        FieldSet set = FieldSet.fromFieldsV1(fieldsV1);
        assertThat(set.toFieldsV1()).isEqualTo(fieldsV1);
        assertThat(set.contains(List.of("f:metadata", "f:labels"))).isTrue();
        assertThat(set.contains(List.of("f:metadata"))).isFalse();
        assertThat(set.touches(List.of("f:metadata"))).isTrue();
        assertThat(set.paths()).hasSize(8);
    }

    @Test
    void setsOfAnUnknownSchemaOwnEveryKey() {
        FieldSet set = ManagedFields.fieldSet(json("{'spec':{'a':{'b':1},'list':[1,2]}}"), null);
        assertThat(set.toFieldsV1()).isEqualTo(json("{'f:spec':{'.':{},'f:a':{'.':{},'f:b':{}},'f:list':{}}}"));
    }

    @Test
    void ignoredFieldsAreNotOwned() {
        FieldSet set = ManagedFields.fieldSet(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','generation':1,"
                + "'creationTimestamp':'x','managedFields':[]},'status':{'phase':'Running'}}"), Json.pod());
        assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void setAlgebra() {
        FieldSet a = FieldSet.of(List.of(List.of("f:spec", "f:replicas"), List.of("f:spec", "f:paused")));
        FieldSet b = FieldSet.of(List.of(List.of("f:spec", "f:replicas")));
        assertThat(a.intersection(b)).isEqualTo(b);
        assertThat(a.difference(b).paths()).containsExactly(List.of("f:spec", "f:paused"));
        assertThat(b.union(FieldSet.of(List.of(List.of("f:metadata")))).paths()).hasSize(2);
        assertThat(a.difference(a).isEmpty()).isTrue();
    }

    @Test
    void displaysPathsAsKubernetesDoes() {
        assertThat(FieldSet.display(List.of("f:spec", "f:replicas"))).isEqualTo(".spec.replicas");
        assertThat(FieldSet.display(List.of("f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"app\"}", "f:image")))
                .isEqualTo(".spec.template.spec.containers[name=\"app\"].image");
        assertThat(FieldSet.display(List.of("f:ports", "k:{\"port\":80,\"protocol\":\"TCP\"}")))
                .isEqualTo(".ports[port=80,protocol=\"TCP\"]");
        assertThat(FieldSet.display(List.of("f:finalizers", "v:\"a\""))).isEqualTo(".finalizers[=\"a\"]");
        assertThat(FieldSet.display(List.of("f:x", "i:3"))).isEqualTo(".x[3]");
    }
}
