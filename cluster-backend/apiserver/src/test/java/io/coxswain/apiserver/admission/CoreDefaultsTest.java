package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Manifests.assertCreatedAs;
import static io.coxswain.apiserver.admission.Manifests.created;
import static io.coxswain.apiserver.admission.Manifests.updated;
import static io.coxswain.apiserver.admission.Manifests.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.GroupVersionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoreDefaultsTest {

    @Test
    void namespaceLooksLikeKubectlGet() {
        assertCreatedAs("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-a}
                """, """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: team-a
                  labels: {kubernetes.io/metadata.name: team-a}
                spec:
                  finalizers: [kubernetes]
                status:
                  phase: Active
                """);
    }

    @Test
    void namespaceKeepsOtherFinalizersAndLabelsButOwnsTheNameLabel() {
        ObjectNode namespace = created("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: team-b
                  labels: {team: b, kubernetes.io/metadata.name: spoofed}
                spec:
                  finalizers: [example.com/cleanup]
                status:
                  phase: Terminating
                """);
        assertThat(namespace.get("metadata").get("labels"))
                .isEqualTo(yaml("{team: b, kubernetes.io/metadata.name: team-b}"));
        assertThat(namespace.get("spec").get("finalizers")).isEqualTo(yaml("[example.com/cleanup, kubernetes]"));
        assertThat(namespace.get("status")).isEqualTo(yaml("{phase: Active}"));
    }

    @Test
    void namespaceUpdateKeepsFinalizersAndPhase() {
        ObjectNode namespace = updated("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-c}
                spec: {finalizers: []}
                status: {phase: Terminating}
                """);
        assertThat(namespace.get("spec").get("finalizers")).isEmpty();
        assertThat(namespace.get("status").get("phase").asText()).isEqualTo("Terminating");
        assertThat(namespace.get("metadata").get("labels").get("kubernetes.io/metadata.name").asText())
                .isEqualTo("team-c");
    }

    @Test
    void nodeAllocatableStartsAsCapacity() {
        ObjectNode node = created("""
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status:
                  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
                """);
        assertThat(node.get("status").get("allocatable")).isEqualTo(yaml("{cpu: \"4\", memory: 8Gi, pods: \"110\"}"));
        ObjectNode explicit = created("""
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status:
                  capacity: {cpu: "4"}
                  allocatable: {cpu: 3500m}
                """);
        assertThat(explicit.get("status").get("allocatable")).isEqualTo(yaml("{cpu: 3500m}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: b}}",
        "{apiVersion: v1, kind: Event, metadata: {name: e}, involvedObject: {kind: Pod, name: p}, reason: Started}",
        "{apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: l}, spec: {holderIdentity: h}}",
        "{apiVersion: v1, kind: Node, metadata: {name: n}, spec: {podCIDR: 10.244.0.0/24}}",
        "{apiVersion: apps/v1beta9, kind: Deployment, metadata: {name: d}, spec: {}}",
        "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {}}",
    })
    void kindsWithoutDefaultsAreUntouched(String manifest) {
        assertThat(created(manifest)).isEqualTo(yaml(manifest));
    }

    @Test
    void defaultingIsIdempotent() {
        for (String manifest : new String[] {
            "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: nginx,"
                    + " resources: {limits: {cpu: 1}}, livenessProbe: {httpGet: {port: 80}}}]}}",
            "{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {clusterIP: None, ports: [{port: 80}]}}",
            "{apiVersion: batch/v1, kind: Job, metadata: {name: j, uid: u1}, spec: {template: {spec:"
                    + " {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}",
            "{apiVersion: v1, kind: Namespace, metadata: {name: n}}",
        }) {
            ObjectNode once = created(manifest);
            ObjectNode twice = once.deepCopy();
            Defaulter.apply(Manifests.gvk(twice), twice);
            assertThat(Manifests.normalize(twice)).as(manifest).isEqualTo(once);
        }
    }

    @Test
    void defaultsApplyInPlace() {
        ObjectNode pod = Manifests.object("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: a:1}]}}");
        Defaulter.apply(new GroupVersionKind("", "v1", "Pod"), pod);
        JsonNode container = pod.get("spec").get("containers").get(0);
        assertThat(container.get("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    }
}
