package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.coxswain.schemas.ProblemCategory.DUPLICATE;
import static io.coxswain.schemas.ProblemCategory.ENUM;
import static io.coxswain.schemas.ProblemCategory.FORMAT;
import static io.coxswain.schemas.ProblemCategory.INVALID;
import static io.coxswain.schemas.ProblemCategory.PATTERN;
import static io.coxswain.schemas.ProblemCategory.RANGE;
import static io.coxswain.schemas.ProblemCategory.REQUIRED;
import static io.coxswain.schemas.ProblemCategory.TYPE;
import static io.coxswain.schemas.ProblemCategory.UNKNOWN_FIELD;
import static io.coxswain.schemas.ProblemCategory.UNKNOWN_KIND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A table of invalid manifests, each with the problem we must report: where (a JSON pointer) and what kind
 * (a {@link ProblemCategory}). Kubernetes 1.32's own validation is the judge of what is invalid and where.
 * When {@code only} is true the expected problem must be the only one, so that an over-eager schema, which
 * reports problems in a valid neighbourhood, is caught too. Each case prints the message we produce, so
 * that the wording can be read in the test output.
 */
class InvalidManifestsTest {

    private static final ManifestValidator VALIDATOR = ManifestValidator.standard();

    static Stream<Arguments> invalidManifests() {
        return Stream.of(
                // ---------------------------------------------------------------- wrong types
                arguments("deployment replicas as string", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          replicas: "3"
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/replicas", TYPE, true),
                arguments("containerPort as string", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              ports:
                                - containerPort: "80"
                        """, "/spec/containers/0/ports/0/containerPort", TYPE, true),
                arguments("env value as number", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              env:
                                - name: PORT
                                  value: 8080
                        """, "/spec/containers/0/env/0/value", TYPE, true),
                arguments("labels as a list", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                          labels:
                            - app: web
                        data:
                          mode: fast
                        """, "/metadata/labels", TYPE, true),
                arguments("containers as a map", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            name: web
                            image: nginx:1.27
                        """, "/spec/containers", TYPE, true),
                arguments("boolean as quoted string", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          hostNetwork: "true"
                          containers:
                            - name: web
                              image: nginx:1.27
                        """, "/spec/hostNetwork", TYPE, true),
                arguments("configmap data value as number", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                        data:
                          retries: 3
                        """, "/data/retries", TYPE, true),
                arguments("event count as string", """
                        apiVersion: v1
                        kind: Event
                        metadata:
                          name: web.17a
                          namespace: default
                        involvedObject:
                          kind: Pod
                          name: web
                          namespace: default
                        reason: Started
                        count: "3"
                        """, "/count", TYPE, true),
                arguments("lease duration as string", """
                        apiVersion: coordination.k8s.io/v1
                        kind: Lease
                        metadata:
                          name: leader
                          namespace: kube-system
                        spec:
                          holderIdentity: node-1
                          leaseDurationSeconds: "15"
                        """, "/spec/leaseDurationSeconds", TYPE, true),

                // ---------------------------------------------------------------- unknown fields
                arguments("spec.containerz typo", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containerz:
                            - name: web
                              image: nginx:1.27
                        """, "/spec/containerz", UNKNOWN_FIELD, false),
                arguments("container imagePullPolice typo", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              imagePullPolice: Always
                        """, "/spec/containers/0/imagePullPolice", UNKNOWN_FIELD, true),
                arguments("metadata lables typo", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                          lables:
                            app: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/metadata/lables", UNKNOWN_FIELD, true),
                arguments("unknown top-level field on Service", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        selector:
                          app: web
                        spec:
                          ports:
                            - port: 80
                        """, "/selector", UNKNOWN_FIELD, true),

                // ---------------------------------------------------------------- missing required fields
                arguments("container name missing", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - image: nginx:1.27
                        """, "/spec/containers/0/name", REQUIRED, true),
                arguments("pod container image missing", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                        """, "/spec/containers/0/image", REQUIRED, true),
                // Kubernetes requires an image in templates too (validateContainerCommon), not only in pods.
                arguments("template container image missing", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                        """, "/spec/template/spec/containers/0/image", REQUIRED, true),
                arguments("deployment selector missing", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/selector", REQUIRED, true),
                arguments("deployment template missing", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                        """, "/spec/template", REQUIRED, true),
                arguments("cronjob schedule missing", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata:
                          name: nightly
                        spec:
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  restartPolicy: OnFailure
                                  containers:
                                    - name: task
                                      image: busybox:1.36
                        """, "/spec/schedule", REQUIRED, true),
                arguments("cronjob jobTemplate missing", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata:
                          name: nightly
                        spec:
                          schedule: "0 3 * * *"
                        """, "/spec/jobTemplate", REQUIRED, true),
                arguments("service port number missing", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          selector:
                            app: web
                          ports:
                            - targetPort: 8080
                        """, "/spec/ports/0/port", REQUIRED, true),
                // Kubernetes: spec.ports is required unless clusterIP is None or the type is ExternalName.
                arguments("service without ports", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          selector:
                            app: web
                        """, "/spec/ports", REQUIRED, true),
                arguments("apiVersion missing", """
                        kind: ConfigMap
                        metadata:
                          name: settings
                        """, "/apiVersion", REQUIRED, true),
                arguments("kind missing", """
                        apiVersion: v1
                        metadata:
                          name: settings
                        """, "/kind", REQUIRED, true),
                arguments("node taint effect missing", """
                        apiVersion: v1
                        kind: Node
                        metadata:
                          name: worker-1
                        spec:
                          taints:
                            - key: dedicated
                              value: gpu
                        """, "/spec/taints/0/effect", REQUIRED, true),

                // ---------------------------------------------------------------- bad enum values
                arguments("pod restartPolicy Sometimes", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          restartPolicy: Sometimes
                          containers:
                            - name: web
                              image: nginx:1.27
                        """, "/spec/restartPolicy", ENUM, true),
                arguments("imagePullPolicy Sometimes", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              imagePullPolicy: Sometimes
                        """, "/spec/containers/0/imagePullPolicy", ENUM, true),
                arguments("service type Internal", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          type: Internal
                          ports:
                            - port: 80
                        """, "/spec/type", ENUM, true),
                arguments("service port protocol HTTP", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          ports:
                            - port: 80
                              protocol: HTTP
                        """, "/spec/ports/0/protocol", ENUM, true),
                arguments("container port protocol lower case", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              ports:
                                - containerPort: 53
                                  protocol: udp
                        """, "/spec/containers/0/ports/0/protocol", ENUM, true),
                arguments("cronjob concurrencyPolicy Sometimes", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata:
                          name: nightly
                        spec:
                          schedule: "0 3 * * *"
                          concurrencyPolicy: Sometimes
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  restartPolicy: OnFailure
                                  containers:
                                    - name: task
                                      image: busybox:1.36
                        """, "/spec/concurrencyPolicy", ENUM, true),
                arguments("deployment strategy BlueGreen", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          strategy:
                            type: BlueGreen
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/strategy/type", ENUM, true),
                arguments("dnsPolicy ClusterLast in template", """
                        apiVersion: apps/v1
                        kind: ReplicaSet
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              dnsPolicy: ClusterLast
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/template/spec/dnsPolicy", ENUM, true),
                arguments("node taint effect NoExecution", """
                        apiVersion: v1
                        kind: Node
                        metadata:
                          name: worker-1
                        spec:
                          taints:
                            - key: dedicated
                              effect: NoExecution
                        """, "/spec/taints/0/effect", ENUM, true),
                // Kubernetes: a Deployment's or ReplicaSet's pods may only use restartPolicy Always.
                arguments("deployment template restartPolicy Never", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              restartPolicy: Never
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/template/spec/restartPolicy", ENUM, true),

                // ---------------------------------------------------------------- bad names
                arguments("uppercase pod name", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: WebServer
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                        """, "/metadata/name", PATTERN, true),
                arguments("underscore in configmap name", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: app_settings
                        """, "/metadata/name", PATTERN, true),
                arguments("service name starting with digit", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: 1web
                        spec:
                          ports:
                            - port: 80
                        """, "/metadata/name", PATTERN, true),
                arguments("namespace name with a dot", """
                        apiVersion: v1
                        kind: Namespace
                        metadata:
                          name: team.web
                        """, "/metadata/name", PATTERN, true),
                arguments("metadata.namespace with uppercase", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                          namespace: Prod
                        """, "/metadata/namespace", PATTERN, true),
                arguments("container name of 64 characters", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: a123456789b123456789c123456789d123456789e123456789f123456789abcd
                              image: nginx:1.27
                        """, "/spec/containers/0/name", RANGE, true),
                arguments("container name with underscore", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web_server
                              image: nginx:1.27
                        """, "/spec/containers/0/name", PATTERN, true),
                // Kubernetes reports a bad key at metadata.labels itself: a pointer cannot name a key.
                arguments("bad label key", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                          labels:
                            "-app": web
                        """, "/metadata/labels/-app", PATTERN, true),
                arguments("bad label value", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                          labels:
                            app: "web server"
                        """, "/metadata/labels/app", PATTERN, true),
                arguments("label value of 64 characters", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                          labels:
                            app: a123456789b123456789c123456789d123456789e123456789f123456789abcd
                        """, "/metadata/labels/app", RANGE, true),
                arguments("container port name with double dash", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              ports:
                                - name: http--web
                                  containerPort: 80
                        """, "/spec/containers/0/ports/0/name", PATTERN, true),
                arguments("container port name of 16 characters", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              ports:
                                - name: http-web-metrics
                                  containerPort: 80
                        """, "/spec/containers/0/ports/0/name", RANGE, true),
                arguments("container port name all digits", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              ports:
                                - name: "8080"
                                  containerPort: 8080
                        """, "/spec/containers/0/ports/0/name", PATTERN, true),
                arguments("service port name uppercase", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          ports:
                            - name: HTTP
                              port: 80
                        """, "/spec/ports/0/name", PATTERN, true),

                // ---------------------------------------------------------------- quantities
                arguments("cpu 1.5.5", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              resources:
                                requests:
                                  cpu: "1.5.5"
                        """, "/spec/containers/0/resources/requests/cpu", PATTERN, true),
                arguments("memory 12XB", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              resources:
                                limits:
                                  memory: 12XB
                        """, "/spec/containers/0/resources/limits/memory", PATTERN, true),
                arguments("negative memory request", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              resources:
                                requests:
                                  memory: -128Mi
                        """, "/spec/containers/0/resources/requests/memory", RANGE, true),
                arguments("negative numeric cpu request", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              resources:
                                requests:
                                  cpu: -1
                        """, "/spec/containers/0/resources/requests/cpu", RANGE, true),
                arguments("memory request above limit", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                                  resources:
                                    requests:
                                      memory: 2Gi
                                    limits:
                                      memory: 1Gi
                        """, "/spec/template/spec/containers/0/resources/requests/memory", INVALID, true),
                arguments("cpu request above limit in other units", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              resources:
                                requests:
                                  cpu: 1500m
                                limits:
                                  cpu: 1
                        """, "/spec/containers/0/resources/requests/cpu", INVALID, true),

                // ---------------------------------------------------------------- int-or-string
                arguments("service targetPort true", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          ports:
                            - port: 80
                              targetPort: true
                        """, "/spec/ports/0/targetPort", TYPE, true),
                arguments("service targetPort Not_A_Name", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          ports:
                            - port: 80
                              targetPort: Not_A_Name
                        """, "/spec/ports/0/targetPort", PATTERN, true),
                arguments("service targetPort 70000", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          ports:
                            - port: 80
                              targetPort: 70000
                        """, "/spec/ports/0/targetPort", RANGE, true),
                arguments("maxSurge 1.5", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          strategy:
                            type: RollingUpdate
                            rollingUpdate:
                              maxSurge: 1.5
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/strategy/rollingUpdate/maxSurge", TYPE, true),
                arguments("probe httpGet port with bad name", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              livenessProbe:
                                httpGet:
                                  path: /healthz
                                  port: Health_Port
                        """, "/spec/containers/0/livenessProbe/httpGet/port", PATTERN, true),

                // ---------------------------------------------------------------- selectors
                arguments("deployment selector misses template", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: api
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/template/metadata/labels", INVALID, true),
                arguments("replicaset selector expression misses template", """
                        apiVersion: apps/v1
                        kind: ReplicaSet
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchExpressions:
                              - key: tier
                                operator: In
                                values: [frontend]
                          template:
                            metadata:
                              labels:
                                tier: backend
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/template/metadata/labels", INVALID, true),
                arguments("replicationcontroller selector misses template", """
                        apiVersion: v1
                        kind: ReplicationController
                        metadata:
                          name: web
                        spec:
                          selector:
                            app: web
                          template:
                            metadata:
                              labels:
                                app: api
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/template/metadata/labels", INVALID, true),
                arguments("replicationcontroller with neither selector nor template labels", """
                        apiVersion: v1
                        kind: ReplicationController
                        metadata:
                          name: web
                        spec:
                          template:
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/selector", REQUIRED, true),
                arguments("replicationcontroller template restartPolicy OnFailure", """
                        apiVersion: v1
                        kind: ReplicationController
                        metadata:
                          name: web
                        spec:
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              restartPolicy: OnFailure
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/template/spec/restartPolicy", ENUM, true),
                arguments("replicationcontroller selector in LabelSelector form", """
                        apiVersion: v1
                        kind: ReplicationController
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/selector/matchLabels", TYPE, false),
                arguments("deployment empty selector", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          selector: {}
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/selector", INVALID, true),
                arguments("selector operator Equals", """
                        apiVersion: apps/v1
                        kind: ReplicaSet
                        metadata:
                          name: web
                        spec:
                          selector:
                            matchExpressions:
                              - key: app
                                operator: Equals
                                values: [web]
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/selector/matchExpressions/0/operator", ENUM, false),

                // ---------------------------------------------------------------- Job restart policy
                arguments("job restartPolicy Always", """
                        apiVersion: batch/v1
                        kind: Job
                        metadata:
                          name: migrate
                        spec:
                          template:
                            spec:
                              restartPolicy: Always
                              containers:
                                - name: migrate
                                  image: busybox:1.36
                        """, "/spec/template/spec/restartPolicy", ENUM, true),
                arguments("job restartPolicy missing", """
                        apiVersion: batch/v1
                        kind: Job
                        metadata:
                          name: migrate
                        spec:
                          template:
                            spec:
                              containers:
                                - name: migrate
                                  image: busybox:1.36
                        """, "/spec/template/spec/restartPolicy", REQUIRED, true),
                arguments("cronjob restartPolicy Always", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata:
                          name: nightly
                        spec:
                          schedule: "0 3 * * *"
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  restartPolicy: Always
                                  containers:
                                    - name: task
                                      image: busybox:1.36
                        """, "/spec/jobTemplate/spec/template/spec/restartPolicy", ENUM, true),
                arguments("cronjob restartPolicy missing", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata:
                          name: nightly
                        spec:
                          schedule: "@daily"
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  containers:
                                    - name: task
                                      image: busybox:1.36
                        """, "/spec/jobTemplate/spec/template/spec/restartPolicy", REQUIRED, true),

                // ---------------------------------------------------------------- duplicates and port names
                arguments("duplicate container names", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                            - name: web
                              image: busybox:1.36
                        """, "/spec/containers/1/name", DUPLICATE, true),
                arguments("init container name clashes with container", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          initContainers:
                            - name: web
                              image: busybox:1.36
                          containers:
                            - name: web
                              image: nginx:1.27
                        """, "/spec/containers/0/name", DUPLICATE, true),
                arguments("service with two unnamed ports", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          ports:
                            - port: 80
                            - port: 443
                        """, "/spec/ports/1/name", REQUIRED, false),
                arguments("service second port unnamed", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          ports:
                            - name: http
                              port: 80
                            - port: 443
                        """, "/spec/ports/1/name", REQUIRED, true),

                // ---------------------------------------------------------------- out-of-range numbers
                arguments("containerPort 70000", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              ports:
                                - containerPort: 70000
                        """, "/spec/containers/0/ports/0/containerPort", RANGE, true),
                arguments("negative replicas", """
                        apiVersion: apps/v1
                        kind: ReplicaSet
                        metadata:
                          name: web
                        spec:
                          replicas: -1
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """, "/spec/replicas", RANGE, true),
                arguments("endpoints port 70000", """
                        apiVersion: v1
                        kind: Endpoints
                        metadata:
                          name: web
                        subsets:
                          - addresses:
                              - ip: 10.0.0.5
                            ports:
                              - port: 70000
                        """, "/subsets/0/ports/0/port", RANGE, true),
                arguments("lease duration zero", """
                        apiVersion: coordination.k8s.io/v1
                        kind: Lease
                        metadata:
                          name: leader
                          namespace: kube-system
                        spec:
                          leaseDurationSeconds: 0
                        """, "/spec/leaseDurationSeconds", RANGE, true),

                // ---------------------------------------------------------------- kinds and versions
                arguments("unknown kind Widget", """
                        apiVersion: v1
                        kind: Widget
                        metadata:
                          name: gadget
                        """, "/kind", UNKNOWN_KIND, true),
                arguments("cronjob in batch/v1beta1", """
                        apiVersion: batch/v1beta1
                        kind: CronJob
                        metadata:
                          name: nightly
                        spec:
                          schedule: "0 3 * * *"
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  restartPolicy: OnFailure
                                  containers:
                                    - name: task
                                      image: busybox:1.36
                        """, "/apiVersion", UNKNOWN_KIND, true),
                arguments("deployment in extensions/v1beta1", """
                        apiVersion: extensions/v1beta1
                        kind: Deployment
                        metadata:
                          name: web
                        """, "/apiVersion", UNKNOWN_KIND, true),

                // ---------------------------------------------------------------- formats
                arguments("creationTimestamp yesterday", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                          creationTimestamp: yesterday
                        """, "/metadata/creationTimestamp", FORMAT, true),
                arguments("taint timeAdded without zone", """
                        apiVersion: v1
                        kind: Node
                        metadata:
                          name: worker-1
                        spec:
                          taints:
                            - key: dedicated
                              effect: NoSchedule
                              timeAdded: "2024-05-01 12:00"
                        """, "/spec/taints/0/timeAdded", FORMAT, true)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidManifests")
    void reportsTheExpectedProblem(String name, String yaml, String pointer, ProblemCategory category, boolean only) {
        List<ValidationProblem> problems = validate(yaml);
        System.out.printf("[invalid] %-48s %s%n", name, problems.stream()
                .map(ValidationProblem::toString).collect(Collectors.joining(" | ")));

        assertThat(problems)
                .as("%s: problems should contain %s [%s]", name, pointer, category)
                .anySatisfy(p -> {
                    assertThat(p.pointer()).isEqualTo(pointer);
                    assertThat(p.category()).isEqualTo(category);
                });
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).isNotBlank());
        if (only) {
            assertThat(problems).as("%s: expected exactly one problem", name).hasSize(1);
        }
    }

    static Stream<Arguments> intOrStringControls() {
        return Stream.of(
                arguments("service targetPort 8080", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          selector:
                            app: web
                          ports:
                            - port: 80
                              targetPort: 8080
                        """),
                arguments("service targetPort http", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          selector:
                            app: web
                          ports:
                            - port: 80
                              targetPort: http
                        """),
                arguments("maxUnavailable 25% and maxSurge 1", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                        spec:
                          strategy:
                            type: RollingUpdate
                            rollingUpdate:
                              maxUnavailable: 25%
                              maxSurge: 1
                          selector:
                            matchLabels:
                              app: web
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """),
                arguments("probe port by name and by number", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              ports:
                                - name: http
                                  containerPort: 8080
                              livenessProbe:
                                httpGet:
                                  path: /healthz
                                  port: http
                              readinessProbe:
                                tcpSocket:
                                  port: 8080
                        """)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("intOrStringControls")
    void acceptsIntOrStringEitherWay(String name, String yaml) {
        List<ValidationProblem> problems = validate(yaml);
        System.out.printf("[int-or-string] %-42s %s%n", name, problems);
        assertThat(problems).as(name).isEmpty();
    }

    static Stream<Arguments> validManifests() {
        return Stream.of(
                arguments("minimal pod", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: web
                          creationTimestamp: null
                        spec:
                          containers:
                            - name: web
                              image: nginx:1.27
                              resources:
                                requests:
                                  cpu: 0.5
                                  memory: 64Mi
                                limits:
                                  cpu: 1
                                  memory: 128Mi
                        """),
                arguments("deployment", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                          creationTimestamp: null
                          labels:
                            app.kubernetes.io/name: web
                        spec:
                          replicas: 3
                          selector:
                            matchLabels:
                              app: web
                          strategy: {}
                          template:
                            metadata:
                              creationTimestamp: null
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                                  ports:
                                    - name: http
                                      containerPort: 80
                                  resources: {}
                              volumes:
                                - name: config
                                  configMap:
                                    name: settings
                                    defaultMode: 0644
                        status: {}
                        """),
                arguments("replicationcontroller whose selector defaults to the template's labels", """
                        apiVersion: v1
                        kind: ReplicationController
                        metadata:
                          name: web
                        spec:
                          replicas: 2
                          template:
                            metadata:
                              labels:
                                app: web
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """),
                arguments("replicationcontroller with a map selector", """
                        apiVersion: v1
                        kind: ReplicationController
                        metadata:
                          name: web
                        spec:
                          selector:
                            app: web
                          template:
                            metadata:
                              labels:
                                app: web
                                tier: front
                            spec:
                              containers:
                                - name: web
                                  image: nginx:1.27
                        """),
                arguments("job", """
                        apiVersion: batch/v1
                        kind: Job
                        metadata:
                          name: migrate
                        spec:
                          backoffLimit: 2
                          template:
                            spec:
                              restartPolicy: Never
                              containers:
                                - name: migrate
                                  image: busybox:1.36
                                  command: ["sh", "-c", "echo done"]
                        """),
                arguments("cronjob", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata:
                          name: nightly
                        spec:
                          schedule: "0 3 * * *"
                          concurrencyPolicy: Forbid
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  restartPolicy: OnFailure
                                  containers:
                                    - name: task
                                      image: busybox:1.36
                        """),
                arguments("service", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: web
                        spec:
                          type: ClusterIP
                          selector:
                            app: web
                          ports:
                            - name: http
                              port: 80
                              targetPort: http
                              protocol: TCP
                            - name: https
                              port: 443
                              targetPort: 8443
                        """),
                arguments("configmap", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: settings
                          namespace: default
                        data:
                          mode: fast
                          app.properties: |
                            retries=3
                        """),
                arguments("namespace", """
                        apiVersion: v1
                        kind: Namespace
                        metadata:
                          name: team-web
                          creationTimestamp: null
                          labels:
                            team: web
                        spec: {}
                        status: {}
                        """)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validManifests")
    void acceptsValidManifests(String name, String yaml) {
        List<ValidationProblem> problems = validate(yaml);
        System.out.printf("[valid] %-50s %s%n", name, problems);
        assertThat(problems).as(name).isEmpty();
    }

    private static List<ValidationProblem> validate(String yaml) {
        List<ManifestReader.Document> documents = ManifestReader.read(yaml);
        assertThat(documents).hasSize(1);
        JsonNode manifest = documents.get(0).content();
        return VALIDATOR.validate(manifest).problems();
    }
}
