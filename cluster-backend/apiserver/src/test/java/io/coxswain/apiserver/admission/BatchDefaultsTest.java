package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Manifests.assertCreatedAs;
import static io.coxswain.apiserver.admission.Manifests.created;
import static io.coxswain.apiserver.admission.Manifests.updated;
import static io.coxswain.apiserver.admission.Manifests.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class BatchDefaultsTest {

    private static final String UID = "0f6cbbe9-4d2a-4d8e-9a43-6a3c0d0f5e11";

    @Test
    void jobLooksLikeKubectlGet() {
        assertCreatedAs("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: pi, namespace: default, uid: %s}
                spec:
                  backoffLimit: 4
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: pi
                        image: perl:5.34.0
                        command: [perl, -Mbignum=bpi, -wle, print bpi(2000)]
                """.formatted(UID), """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: pi
                  namespace: default
                  uid: %1$s
                  generation: 1
                  labels:
                    batch.kubernetes.io/controller-uid: %1$s
                    batch.kubernetes.io/job-name: pi
                    controller-uid: %1$s
                    job-name: pi
                spec:
                  backoffLimit: 4
                  completionMode: NonIndexed
                  completions: 1
                  manualSelector: false
                  parallelism: 1
                  podReplacementPolicy: TerminatingOrFailed
                  selector:
                    matchLabels:
                      batch.kubernetes.io/controller-uid: %1$s
                  suspend: false
                  template:
                    metadata:
                      creationTimestamp: null
                      labels:
                        batch.kubernetes.io/controller-uid: %1$s
                        batch.kubernetes.io/job-name: pi
                        controller-uid: %1$s
                        job-name: pi
                    spec:
                      containers:
                      - command: [perl, -Mbignum=bpi, -wle, print bpi(2000)]
                        image: perl:5.34.0
                        imagePullPolicy: IfNotPresent
                        name: pi
                        resources: {}
                        terminationMessagePath: /dev/termination-log
                        terminationMessagePolicy: File
                      dnsPolicy: ClusterFirst
                      restartPolicy: Never
                      schedulerName: default-scheduler
                      securityContext: {}
                      terminationGracePeriodSeconds: 30
                status: {}
                """.formatted(UID));
    }

    private static JsonNode jobSpec(String specLines) {
        return created("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, uid: %s}
                spec:
                %s
                  template:
                    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                """.formatted(UID, specLines.indent(2).stripTrailing())).get("spec");
    }

    @Test
    void completionsAndParallelismDefaultTogetherOnlyWhenBothUnset() {
        JsonNode onlyCompletions = jobSpec("completions: 5");
        assertThat(onlyCompletions.get("completions").asInt()).isEqualTo(5);
        assertThat(onlyCompletions.get("parallelism").asInt()).isEqualTo(1);
        JsonNode onlyParallelism = jobSpec("parallelism: 3");
        assertThat(onlyParallelism.get("parallelism").asInt()).isEqualTo(3);
        assertThat(onlyParallelism.has("completions")).isFalse();
        JsonNode zero = jobSpec("parallelism: 0");
        assertThat(zero.get("parallelism").asInt()).isZero();
    }

    @Test
    void explicitValuesAreKept() {
        JsonNode spec = jobSpec("""
                backoffLimit: 0
                suspend: true
                completionMode: Indexed
                completions: 3
                podReplacementPolicy: Failed
                """);
        assertThat(spec.get("backoffLimit").asInt()).isZero();
        assertThat(spec.get("suspend").asBoolean()).isTrue();
        assertThat(spec.get("completionMode").asText()).isEqualTo("Indexed");
        assertThat(spec.get("podReplacementPolicy").asText()).isEqualTo("Failed");
    }

    @Test
    void backoffLimitPerIndexMakesBackoffLimitUnbounded() {
        JsonNode spec = jobSpec("""
                completionMode: Indexed
                completions: 3
                backoffLimitPerIndex: 1
                """);
        assertThat(spec.get("backoffLimit").asInt()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void podFailurePolicyChangesReplacementPolicyAndDefaultsConditionStatus() {
        JsonNode spec = jobSpec("""
                podFailurePolicy:
                  rules:
                  - action: Ignore
                    onPodConditions: [{type: DisruptionTarget}]
                """);
        assertThat(spec.get("podReplacementPolicy").asText()).isEqualTo("Failed");
        assertThat(spec.get("podFailurePolicy").get("rules").get(0).get("onPodConditions"))
                .isEqualTo(yaml("[{type: DisruptionTarget, status: \"True\"}]"));
    }

    @Test
    void jobLabelsAndTemplateLabelsTheUserSetAreKept() {
        JsonNode job = created("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, uid: %s, labels: {team: a}}
                spec:
                  template:
                    metadata: {labels: {app: x}}
                    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                """.formatted(UID));
        assertThat(job.get("metadata").get("labels")).isEqualTo(yaml("{team: a}"));
        assertThat(job.get("spec").get("template").get("metadata").get("labels")).isEqualTo(yaml("""
                app: x
                batch.kubernetes.io/controller-uid: %1$s
                batch.kubernetes.io/job-name: j
                controller-uid: %1$s
                job-name: j
                """.formatted(UID)));
    }

    @Test
    void manualSelectorIsLeftToTheUser() {
        JsonNode job = created("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j, uid: %s}
                spec:
                  manualSelector: true
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                """.formatted(UID));
        assertThat(job.get("spec").get("selector")).isEqualTo(yaml("{matchLabels: {app: x}}"));
        assertThat(job.get("spec").get("template").get("metadata").get("labels")).isEqualTo(yaml("{app: x}"));
        assertThat(job.get("metadata").get("labels")).isEqualTo(yaml("{app: x}"));
    }

    @Test
    void creatingAJobWithoutUidFails() {
        assertThatThrownBy(() -> created("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j}
                spec:
                  template:
                    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata.uid");
    }

    @Test
    void updateDoesNotRegenerateTheSelector() {
        JsonNode job = updated("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: j}
                spec:
                  template:
                    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                status: {succeeded: 1}
                """);
        assertThat(job.get("spec").has("selector")).isFalse();
        assertThat(job.get("spec").get("manualSelector").asBoolean()).isFalse();
        assertThat(job.get("status")).isEqualTo(yaml("{succeeded: 1}"));
    }

    @Test
    void cronJobLooksLikeKubectlGet() {
        assertCreatedAs("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: hello, namespace: default}
                spec:
                  schedule: "* * * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                          - name: hello
                            image: busybox:1.28
                            command: [/bin/sh, -c, date]
                """, """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: hello, namespace: default, generation: 1}
                spec:
                  concurrencyPolicy: Allow
                  failedJobsHistoryLimit: 1
                  jobTemplate:
                    metadata: {creationTimestamp: null}
                    spec:
                      template:
                        metadata: {creationTimestamp: null}
                        spec:
                          containers:
                          - command: [/bin/sh, -c, date]
                            image: busybox:1.28
                            imagePullPolicy: IfNotPresent
                            name: hello
                            resources: {}
                            terminationMessagePath: /dev/termination-log
                            terminationMessagePolicy: File
                          dnsPolicy: ClusterFirst
                          restartPolicy: OnFailure
                          schedulerName: default-scheduler
                          securityContext: {}
                          terminationGracePeriodSeconds: 30
                  schedule: "* * * * *"
                  successfulJobsHistoryLimit: 3
                  suspend: false
                status: {}
                """);
    }

    @Test
    void cronJobExplicitValuesAreKept() {
        JsonNode spec = created("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: c}
                spec:
                  schedule: "@hourly"
                  concurrencyPolicy: Forbid
                  suspend: true
                  successfulJobsHistoryLimit: 0
                  failedJobsHistoryLimit: 0
                  jobTemplate:
                    spec:
                      backoffLimit: 2
                      template:
                        spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
                """).get("spec");
        assertThat(spec.get("concurrencyPolicy").asText()).isEqualTo("Forbid");
        assertThat(spec.get("suspend").asBoolean()).isTrue();
        assertThat(spec.get("successfulJobsHistoryLimit").asInt()).isZero();
        assertThat(spec.get("failedJobsHistoryLimit").asInt()).isZero();
        // The job template is a JobSpec, not a Job: SetDefaults_Job does not run on it.
        assertThat(spec.get("jobTemplate").get("spec").has("completions")).isFalse();
        assertThat(spec.get("jobTemplate").get("spec").get("backoffLimit").asInt()).isEqualTo(2);
    }
}
