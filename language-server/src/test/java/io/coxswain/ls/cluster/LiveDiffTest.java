package io.coxswain.ls.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveDiffTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keepsOnlyWhatManagersOtherThanClusterComponentsOwn() throws Exception {
        JsonNode live = JSON.readTree("""
                {"apiVersion":"apps/v1","kind":"Deployment",
                 "metadata":{"name":"web","uid":"u","resourceVersion":"7","generation":2,"creationTimestamp":"t",
                   "annotations":{"deployment.kubernetes.io/revision":"1"},
                   "managedFields":[
                     {"manager":"coxswain","operation":"Apply","fieldsV1":{"f:spec":{"f:replicas":{},
                        "f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}},
                     {"manager":"kube-controller-manager","operation":"Update","fieldsV1":{"f:metadata":{"f:annotations":{"f:deployment.kubernetes.io/revision":{}}}}},
                     {"manager":"kube-controller-manager","operation":"Update","subresource":"status","fieldsV1":{"f:status":{}}}]},
                 "spec":{"replicas":2,"progressDeadlineSeconds":600,
                   "template":{"spec":{"containers":[{"name":"web","image":"nginx","imagePullPolicy":"Always"}]}}},
                 "status":{"replicas":2}}""");
        JsonNode kept = LiveDiff.withoutServerFields(live, JSON.readTree("{}"));
        assertThat(kept).isEqualTo(JSON.readTree("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"""));
    }

    @Test
    void withoutManagedFieldsTheDocumentsShapeDecides() throws Exception {
        JsonNode live = JSON.readTree("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","uid":"u"},"data":{"a":"1","b":"2"},"extra":1}""");
        JsonNode local = JSON.readTree("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"0"}}""");
        assertThat(LiveDiff.withoutServerFields(live, local)).isEqualTo(JSON.readTree("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"""));
    }
}
