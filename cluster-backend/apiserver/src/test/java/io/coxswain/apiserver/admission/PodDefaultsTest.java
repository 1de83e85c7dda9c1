package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Manifests.assertCreatedAs;
import static io.coxswain.apiserver.admission.Manifests.created;
import static io.coxswain.apiserver.admission.Manifests.updated;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodDefaultsTest {

    @Test
    void minimalPodLooksLikeKubectlGet() {
        assertCreatedAs("""
                apiVersion: v1
                kind: Pod
                metadata: {name: nginx, namespace: default}
                spec:
                  containers:
                  - name: nginx
                    image: nginx
                """, """
                apiVersion: v1
                kind: Pod
                metadata: {name: nginx, namespace: default}
                spec:
                  containers:
                  - image: nginx
                    imagePullPolicy: Always
                    name: nginx
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
                  tolerations:
                  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
                  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
                status:
                  phase: Pending
                  qosClass: BestEffort
                """);
    }

    @Test
    void defaultTolerationSecondsAddsWhatThePodDoesNotTolerateAlready() {
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default}
                spec:
                  containers: [{name: c, image: busybox:1.36}]
                  tolerations:
                  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
                  - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}
                """);
        assertThat(pod.at("/spec/tolerations").toString()).isEqualTo("["
                + "{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":5},"
                + "{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"},"
                + "{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]");

        ObjectNode everything = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default}
                spec:
                  containers: [{name: c, image: busybox:1.36}]
                  tolerations: [{operator: Exists}]
                """);
        assertThat(everything.at("/spec/tolerations")).as("an empty key and effect tolerates both").hasSize(1);

        ObjectNode onUpdate = updated("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default}
                spec:
                  containers: [{name: c, image: busybox:1.36}]
                """);
        assertThat(onUpdate.at("/spec/tolerations").isMissingNode()).as("only on create").isTrue();
    }

    @Test
    void fullPodGetsContainerProbeEnvAndVolumeDefaults() {
        assertCreatedAs("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default}
                spec:
                  initContainers:
                  - name: init
                    image: busybox:1.36
                    command: [sh, -c, "true"]
                  containers:
                  - name: web
                    image: registry.example.com/team/web@sha256:4f5e6d
                    ports:
                    - containerPort: 8080
                    - containerPort: 53
                      protocol: UDP
                    env:
                    - name: POD_NAME
                      valueFrom:
                        fieldRef: {fieldPath: metadata.name}
                    - name: MEM
                      valueFrom:
                        resourceFieldRef: {resource: limits.memory}
                    resources:
                      limits: {cpu: 500m, memory: 128Mi}
                    livenessProbe:
                      httpGet: {port: 8080}
                    readinessProbe:
                      tcpSocket: {port: 8080}
                      periodSeconds: 5
                    startupProbe:
                      grpc: {port: 9090}
                    lifecycle:
                      preStop:
                        httpGet: {path: /drain, port: 8080}
                  volumes:
                  - name: config
                    configMap: {name: web-config}
                  - name: creds
                    secret: {secretName: web-creds}
                  - name: info
                    downwardAPI:
                      items:
                      - path: labels
                        fieldRef: {fieldPath: metadata.labels}
                  - name: token
                    projected:
                      sources:
                      - serviceAccountToken: {path: token}
                      - downwardAPI:
                          items:
                          - path: ns
                            fieldRef: {fieldPath: metadata.namespace}
                  - name: scratch
                    emptyDir: {}
                  - name: host
                    hostPath: {path: /var/log}
                  - name: implicit
                """, """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default}
                spec:
                  initContainers:
                  - name: init
                    image: busybox:1.36
                    command: [sh, -c, "true"]
                    imagePullPolicy: IfNotPresent
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  containers:
                  - name: web
                    image: registry.example.com/team/web@sha256:4f5e6d
                    imagePullPolicy: IfNotPresent
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                    - containerPort: 53
                      protocol: UDP
                    env:
                    - name: POD_NAME
                      valueFrom:
                        fieldRef: {apiVersion: v1, fieldPath: metadata.name}
                    - name: MEM
                      valueFrom:
                        resourceFieldRef: {divisor: "0", resource: limits.memory}
                    resources:
                      limits: {cpu: 500m, memory: 128Mi}
                      requests: {cpu: 500m, memory: 128Mi}
                    livenessProbe:
                      httpGet: {path: /, port: 8080, scheme: HTTP}
                      failureThreshold: 3
                      periodSeconds: 10
                      successThreshold: 1
                      timeoutSeconds: 1
                    readinessProbe:
                      tcpSocket: {port: 8080}
                      failureThreshold: 3
                      periodSeconds: 5
                      successThreshold: 1
                      timeoutSeconds: 1
                    startupProbe:
                      grpc: {port: 9090, service: ""}
                      failureThreshold: 3
                      periodSeconds: 10
                      successThreshold: 1
                      timeoutSeconds: 1
                    lifecycle:
                      preStop:
                        httpGet: {path: /drain, port: 8080, scheme: HTTP}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  volumes:
                  - name: config
                    configMap: {defaultMode: 420, name: web-config}
                  - name: creds
                    secret: {defaultMode: 420, secretName: web-creds}
                  - name: info
                    downwardAPI:
                      defaultMode: 420
                      items:
                      - path: labels
                        fieldRef: {apiVersion: v1, fieldPath: metadata.labels}
                  - name: token
                    projected:
                      defaultMode: 420
                      sources:
                      - serviceAccountToken: {expirationSeconds: 3600, path: token}
                      - downwardAPI:
                          items:
                          - path: ns
                            fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}
                  - name: scratch
                    emptyDir: {}
                  - name: host
                    hostPath: {path: /var/log, type: ""}
                  - name: implicit
                    emptyDir: {}
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
                  tolerations:
                  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
                  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
                status:
                  phase: Pending
                  qosClass: Burstable
                """);
    }

    @ParameterizedTest
    @CsvSource({
        "nginx, Always",
        "nginx:latest, Always",
        "nginx:1.25, IfNotPresent",
        "library/nginx:1.25-alpine, IfNotPresent",
        "nginx@sha256:0123abcd, IfNotPresent",
        "nginx:1.25@sha256:0123abcd, IfNotPresent",
        "nginx:latest@sha256:0123abcd, Always",
        "localhost:5000/nginx, Always",
        "localhost:5000/nginx:2, IfNotPresent",
        "registry.example.com:443/team/app, Always",
        "ghcr.io/org/app:latest, Always",
        "Nginx, IfNotPresent",
    })
    void imagePullPolicyFollowsTheTag(String image, String policy) {
        assertThat(PodDefaults.pullPolicy(image)).isEqualTo(policy);
    }

    @Test
    void explicitValuesAreKept() {
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  restartPolicy: Never
                  dnsPolicy: Default
                  schedulerName: custom
                  terminationGracePeriodSeconds: 0
                  enableServiceLinks: false
                  securityContext: {runAsUser: 1000}
                  containers:
                  - name: c
                    image: nginx
                    imagePullPolicy: Never
                    terminationMessagePath: /tmp/msg
                    terminationMessagePolicy: FallbackToLogsOnError
                    livenessProbe:
                      exec: {command: ["true"]}
                      timeoutSeconds: 5
                      periodSeconds: 30
                      successThreshold: 1
                      failureThreshold: 10
                    resources:
                      requests: {cpu: 100m}
                      limits: {cpu: 200m, memory: 64Mi}
                  volumes:
                  - name: s
                    secret: {secretName: s, defaultMode: 0}
                  - name: h
                    hostPath: {path: /x, type: Directory}
                """);
        JsonNode spec = pod.get("spec");
        assertThat(spec.get("restartPolicy").asText()).isEqualTo("Never");
        assertThat(spec.get("dnsPolicy").asText()).isEqualTo("Default");
        assertThat(spec.get("schedulerName").asText()).isEqualTo("custom");
        assertThat(spec.get("terminationGracePeriodSeconds").asInt()).isZero();
        assertThat(spec.get("enableServiceLinks").asBoolean()).isFalse();
        assertThat(spec.get("securityContext").get("runAsUser").asInt()).isEqualTo(1000);
        JsonNode c = spec.get("containers").get(0);
        assertThat(c.get("imagePullPolicy").asText()).isEqualTo("Never");
        assertThat(c.get("terminationMessagePath").asText()).isEqualTo("/tmp/msg");
        assertThat(c.get("terminationMessagePolicy").asText()).isEqualTo("FallbackToLogsOnError");
        assertThat(c.get("livenessProbe").get("timeoutSeconds").asInt()).isEqualTo(5);
        assertThat(c.get("livenessProbe").get("periodSeconds").asInt()).isEqualTo(30);
        assertThat(c.get("livenessProbe").get("failureThreshold").asInt()).isEqualTo(10);
        assertThat(c.get("resources").get("requests")).isEqualTo(Manifests.yaml("{cpu: 100m, memory: 64Mi}"));
        assertThat(spec.get("volumes").get(0).get("secret").get("defaultMode").asInt()).isZero();
        assertThat(spec.get("volumes").get(1).get("hostPath").get("type").asText()).isEqualTo("Directory");
    }

    @Test
    void zeroInNonPointerFieldsCountsAsUnsetLikeGo() {
        // Probe timings and strings are plain Go values: kube-apiserver cannot tell 0 or "" from unset.
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  restartPolicy: ""
                  containers:
                  - name: c
                    image: nginx:1
                    readinessProbe:
                      exec: {command: ["true"]}
                      timeoutSeconds: 0
                      failureThreshold: 0
                """);
        assertThat(pod.get("spec").get("restartPolicy").asText()).isEqualTo("Always");
        JsonNode probe = pod.get("spec").get("containers").get(0).get("readinessProbe");
        assertThat(probe.get("timeoutSeconds").asInt()).isEqualTo(1);
        assertThat(probe.get("failureThreshold").asInt()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                                                                  | BestEffort",
        "{requests: {cpu: 100m}}                                             | Burstable",
        "{limits: {cpu: 100m, memory: 64Mi}}                                 | Guaranteed",
        "{limits: {cpu: 100m}}                                               | Burstable",
        "{requests: {cpu: 100m, memory: 1Gi}, limits: {cpu: 100m, memory: 1024Mi}} | Guaranteed",
        "{requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}   | Burstable",
        "{requests: {ephemeral-storage: 1Gi}}                                | BestEffort",
        "{requests: {cpu: \"0\"}}                                           | BestEffort",
    })
    void qosClassIsComputedOnCreate(String resources, String qos) {
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: c
                    image: nginx
                    resources: %s
                """.formatted(resources));
        assertThat(pod.get("status").get("qosClass").asText()).isEqualTo(qos);
    }

    @Test
    void initContainersCountForQos() {
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  initContainers:
                  - {name: i, image: busybox, resources: {requests: {memory: 10Mi}}}
                  containers:
                  - {name: c, image: nginx, resources: {limits: {cpu: "1", memory: 1Gi}}}
                """);
        assertThat(pod.get("status").get("qosClass").asText()).isEqualTo("Burstable");
    }

    @Test
    void hostNetworkPodsGetHostPorts() {
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  hostNetwork: true
                  containers:
                  - name: c
                    image: nginx
                    ports:
                    - containerPort: 80
                    - {containerPort: 443, hostPort: 443}
                """);
        JsonNode ports = pod.get("spec").get("containers").get(0).get("ports");
        assertThat(ports.get(0).get("hostPort").asInt()).isEqualTo(80);
        assertThat(ports.get(1).get("hostPort").asInt()).isEqualTo(443);
    }

    @Test
    void schedulingGatesAddAGatedCondition() {
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  schedulingGates: [{name: example.com/wait}]
                  containers: [{name: c, image: nginx}]
                """);
        assertThat(pod.get("status")).isEqualTo(Manifests.yaml("""
                phase: Pending
                qosClass: BestEffort
                conditions:
                - lastProbeTime: null
                  lastTransitionTime: null
                  message: Scheduling is blocked due to non-empty scheduling gates
                  reason: SchedulingGated
                  status: "False"
                  type: PodScheduled
                """));
    }

    @Test
    void createResetsStatusButUpdateKeepsIt() {
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: c, image: nginx}]
                status: {phase: Running, podIP: 10.0.0.5}
                """;
        assertThat(created(manifest).get("status")).isEqualTo(Manifests.yaml("{phase: Pending, qosClass: BestEffort}"));
        assertThat(updated(manifest).get("status")).isEqualTo(Manifests.yaml("{phase: Running, podIP: 10.0.0.5}"));
        assertThat(updated(manifest).get("spec").get("dnsPolicy").asText()).isEqualTo("ClusterFirst");
    }

    @Test
    void deprecatedServiceAccountFollowsServiceAccountName() {
        ObjectNode named = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec: {serviceAccountName: builder, containers: [{name: c, image: nginx}]}
                """);
        assertThat(named.get("spec").get("serviceAccount").asText()).isEqualTo("builder");
        ObjectNode legacy = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec: {serviceAccount: old, containers: [{name: c, image: nginx}]}
                """);
        assertThat(legacy.get("spec").get("serviceAccountName").asText()).isEqualTo("old");
    }

    @Test
    void rarerVolumeSourcesAndEphemeralContainers() {
        ObjectNode pod = created("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: c, image: nginx}]
                  ephemeralContainers: [{name: debug, image: busybox}]
                  volumes:
                  - {name: i, iscsi: {targetPortal: "10.0.0.1:3260", iqn: "iqn.x", lun: 0}}
                  - {name: r, rbd: {monitors: [m], image: img}}
                  - name: e
                    ephemeral:
                      volumeClaimTemplate:
                        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                """);
        JsonNode volumes = pod.get("spec").get("volumes");
        assertThat(volumes.get(0).get("iscsi").get("iscsiInterface").asText()).isEqualTo("default");
        assertThat(volumes.get(1).get("rbd")).isEqualTo(Manifests.yaml(
                "{monitors: [m], image: img, pool: rbd, user: admin, keyring: /etc/ceph/keyring}"));
        assertThat(volumes.get(2).get("ephemeral").get("volumeClaimTemplate").get("spec").get("volumeMode").asText())
                .isEqualTo("Filesystem");
        JsonNode debug = pod.get("spec").get("ephemeralContainers").get(0);
        assertThat(debug.get("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(debug.get("terminationMessagePolicy").asText()).isEqualTo("File");
    }
}
