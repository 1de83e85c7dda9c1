package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Manifests.assertCreatedAs;
import static io.coxswain.apiserver.admission.Manifests.created;
import static io.coxswain.apiserver.admission.Manifests.updated;
import static io.coxswain.apiserver.admission.Manifests.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class WorkloadDefaultsTest {

    private static final String DEFAULTED_NGINX_SPEC = """
                  containers:
                  - image: nginx:1.27
                    imagePullPolicy: IfNotPresent
                    name: nginx
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    resources:
                      limits: {memory: 128Mi}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            """;

    @Test
    void deploymentLooksLikeKubectlGet() {
        // Templates get PodSpec defaults but not the Pod-only ones (enableServiceLinks, requests from limits).
        assertCreatedAs("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: nginx
                        image: nginx:1.27
                        ports: [{containerPort: 80}]
                        resources: {limits: {memory: 128Mi}}
                """, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default, generation: 1}
                spec:
                  progressDeadlineSeconds: 600
                  replicas: 1
                  revisionHistoryLimit: 10
                  selector:
                    matchLabels: {app: web}
                  strategy:
                    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
                    type: RollingUpdate
                  template:
                    metadata:
                      creationTimestamp: null
                      labels: {app: web}
                    spec:
                """ + DEFAULTED_NGINX_SPEC.indent(4) + """
                status: {}
                """);
    }

    @Test
    void replicaSetLooksLikeKubectlGet() {
        assertCreatedAs("""
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: nginx
                        image: nginx:1.27
                        ports: [{containerPort: 80}]
                        resources: {limits: {memory: 128Mi}}
                """, """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: web, generation: 1}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {creationTimestamp: null, labels: {app: web}}
                    spec:
                """ + DEFAULTED_NGINX_SPEC.indent(4) + """
                status:
                  replicas: 0
                """);
    }

    @Test
    void replicationControllerTakesItsSelectorAndLabelsFromTheTemplate() {
        assertCreatedAs("""
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: web}
                spec:
                  template:
                    metadata: {labels: {app: web, tier: front}}
                    spec:
                      containers:
                      - name: nginx
                        image: nginx:1.27
                        ports: [{containerPort: 80}]
                        resources: {limits: {memory: 128Mi}}
                """, """
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: web, generation: 1, labels: {app: web, tier: front}}
                spec:
                  replicas: 1
                  selector: {app: web, tier: front}
                  template:
                    metadata: {creationTimestamp: null, labels: {app: web, tier: front}}
                    spec:
                """ + DEFAULTED_NGINX_SPEC.indent(4) + """
                status:
                  replicas: 0
                """);
    }

    @Test
    void replicationControllerKeepsItsOwnSelectorLabelsAndReplicas() {
        JsonNode rc = created("""
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: web, labels: {team: a}}
                spec:
                  replicas: 0
                  selector: {app: web}
                  template:
                    metadata: {labels: {app: web, tier: front}}
                    spec: {containers: [{name: c, image: nginx}]}
                """);
        assertThat(rc.path("metadata").path("labels")).isEqualTo(yaml("{team: a}"));
        assertThat(rc.path("spec").path("selector")).isEqualTo(yaml("{app: web}"));
        assertThat(rc.path("spec").path("replicas").asInt()).isZero();
    }

    @Test
    void explicitZeroReplicasAndLimitsAreKept() {
        JsonNode spec = created("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 0
                  revisionHistoryLimit: 0
                  progressDeadlineSeconds: 30
                  strategy:
                    rollingUpdate: {maxUnavailable: 0}
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: c, image: nginx}]}
                """).get("spec");
        assertThat(spec.get("replicas").asInt()).isZero();
        assertThat(spec.get("revisionHistoryLimit").asInt()).isZero();
        assertThat(spec.get("progressDeadlineSeconds").asInt()).isEqualTo(30);
        assertThat(spec.get("strategy")).isEqualTo(yaml(
                "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 25%}}"));
    }

    @Test
    void recreateStrategyGetsNoRollingUpdate() {
        JsonNode spec = created("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  strategy: {type: Recreate}
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: c, image: nginx}]}
                """).get("spec");
        assertThat(spec.get("strategy")).isEqualTo(yaml("{type: Recreate}"));
    }

    @Test
    void updateKeepsStatusAndGeneration() {
        JsonNode replicaSet = updated("""
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: web, generation: 4}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: c, image: nginx}]}
                status: {replicas: 3}
                """);
        assertThat(replicaSet.get("metadata").get("generation").asInt()).isEqualTo(4);
        assertThat(replicaSet.get("status")).isEqualTo(yaml("{replicas: 3}"));
        assertThat(replicaSet.get("spec").get("template").get("spec").get("dnsPolicy").asText())
                .isEqualTo("ClusterFirst");
    }
}
