package io.coxswain.tests.kubectl;

import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * For each kind kubectl users touch first: {@code create -f}, {@code replace -f}, {@code patch} as JSON
 * patch, merge patch and the default strategic merge patch, then {@code delete -f}, each with the output
 * and exit code real kubectl gives against kube-apiserver.
 */
class KubectlCreateReplacePatchTest extends KubectlSuite {


    /**
     * @param ref       how kubectl names the object ({@code deployment.apps/crud-deploy})
     * @param manifest  with the label {@code stage: one}, which replace turns into {@code two}
     * @param strategic a strategic merge patch ({@code kubectl patch}'s default type)
     * @param check     a jsonpath and what it must print after the strategic patch
     */
    record Case(String kind, String ref, String manifest, String strategic, String check, String expected) {
        String name() {
            return ref.substring(ref.indexOf('/') + 1);
        }

        String deleted() {
            return ref.substring(0, ref.indexOf('/')) + " \"" + name() + "\" deleted";
        }

        @Override
        public String toString() {
            return kind;
        }
    }

    private static final String POD_SPEC = """
              containers:
                - name: main
                  image: coxswain/busybox:1
                  command: ["sleep", "3600"]
                - name: helper
                  image: coxswain/busybox:1
                  command: ["sleep", "3600"]
            """;

    static Stream<Case> kinds() {
        return Stream.of(
                new Case("Pod", "pod/crud-pod", """
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: crud-pod
                          labels: {suite: crud, stage: one}
                        spec:
                        %s""".formatted(POD_SPEC),
                        "{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"coxswain/busybox:2\"}]}}",
                        "{.spec.containers[*].image}", "coxswain/busybox:2 coxswain/busybox:1"),
                new Case("Service", "service/crud-svc", """
                        apiVersion: v1
                        kind: Service
                        metadata:
                          name: crud-svc
                          labels: {suite: crud, stage: one}
                        spec:
                          selector: {app: crud}
                          ports:
                            - name: http
                              port: 80
                              targetPort: 8080
                        """,
                        "{\"spec\":{\"ports\":[{\"name\":\"metrics\",\"port\":9090,\"targetPort\":9090}]}}",
                        "{.spec.ports[*].name}", "metrics http"),
                new Case("ReplicaSet", "replicaset.apps/crud-rs", workload("ReplicaSet", "crud-rs"),
                        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"helper\",\"image\":\"coxswain/busybox:2\"}]}}}}",
                        "{.spec.template.spec.containers[*].image}", "coxswain/busybox:1 coxswain/busybox:2"),
                new Case("Deployment", "deployment.apps/crud-deploy", workload("Deployment", "crud-deploy"),
                        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"coxswain/busybox:2\"}]}}}}",
                        "{.spec.template.spec.containers[*].image}", "coxswain/busybox:2 coxswain/busybox:1"),
                new Case("Job", "job.batch/crud-job", """
                        apiVersion: batch/v1
                        kind: Job
                        metadata:
                          name: crud-job
                          labels: {suite: crud, stage: one}
                        spec:
                          parallelism: 1
                          template:
                            spec:
                              restartPolicy: Never
                              containers:
                                - name: main
                                  image: coxswain/busybox:1
                                  command: ["true"]
                        """,
                        "{\"spec\":{\"parallelism\":2}}", "{.spec.parallelism}", "2"),
                new Case("CronJob", "cronjob.batch/crud-cj", """
                        apiVersion: batch/v1
                        kind: CronJob
                        metadata:
                          name: crud-cj
                          labels: {suite: crud, stage: one}
                        spec:
                          schedule: "*/10 * * * *"
                          jobTemplate:
                            spec:
                              template:
                                spec:
                                  restartPolicy: OnFailure
                                  containers:
                                    - name: main
                                      image: coxswain/busybox:1
                                      command: ["true"]
                        """,
                        "{\"spec\":{\"schedule\":\"*/5 * * * *\"}}", "{.spec.schedule}", "*/5 * * * *"),
                new Case("ConfigMap", "configmap/crud-cm", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: crud-cm
                          labels: {suite: crud, stage: one}
                        data:
                          a: "1"
                        """,
                        "{\"data\":{\"b\":\"2\"}}", "{.data.a},{.data.b}", "1,2"),
                new Case("Namespace", "namespace/crud-ns", """
                        apiVersion: v1
                        kind: Namespace
                        metadata:
                          name: crud-ns
                          labels: {suite: crud, stage: one}
                        """,
                        "{\"metadata\":{\"labels\":{\"team\":\"blue\"}}}", "{.metadata.labels.team},{.metadata.labels.suite}", "blue,crud"));
    }

    private static String workload(String kind, String name) {
        return """
                apiVersion: apps/v1
                kind: %s
                metadata:
                  name: %s
                  labels: {suite: crud, stage: one}
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: %s}
                  template:
                    metadata:
                      labels: {app: %s}
                    spec:
                """.formatted(kind, name, name, name) + POD_SPEC.indent(4);
    }

    @ParameterizedTest(name = "create, replace, patch, delete a {0}")
    @MethodSource("kinds")
    void createReplacePatchDelete(Case c) throws Exception {
        Path file = k.write(c.name() + ".yaml", c.manifest());
        String ref = c.ref();

        assertThat(k.ok("create", "-f", file.toString()).stdout().trim()).isEqualTo(ref + " created");
        assertThat(k.jsonpath(ref, "{.metadata.labels.stage}")).isEqualTo("one");
        Kubectl.Result again = k.exits(1, "create", "-f", file.toString());
        assertThat(again.stderr()).contains("Error from server (AlreadyExists)").contains("\"" + c.name() + "\" already exists");
        verified("create -f (" + c.kind() + "; a second create: AlreadyExists, exit 1)");

        String uid = k.jsonpath(ref, "{.metadata.uid}");
        Path replaced = k.write(c.name() + "-v2.yaml", c.manifest().replace("stage: one", "stage: two"));
        assertThat(k.ok("replace", "-f", replaced.toString()).stdout().trim()).isEqualTo(ref + " replaced");
        assertThat(k.jsonpath(ref, "{.metadata.labels.stage}")).isEqualTo("two");
        assertThat(k.jsonpath(ref, "{.metadata.uid}")).isEqualTo(uid);
        verified("replace -f (" + c.kind() + ")");

        assertThat(k.ok("patch", ref, "--type=json", "-p", "[{\"op\":\"add\",\"path\":\"/metadata/labels/patched\",\"value\":\"json\"}]")
                .stdout().trim()).isEqualTo(ref + " patched");
        assertThat(k.jsonpath(ref, "{.metadata.labels.patched},{.metadata.labels.stage}")).isEqualTo("json,two");
        verified("patch --type=json (" + c.kind() + ")");

        assertThat(k.ok("patch", ref, "--type=merge", "-p", "{\"metadata\":{\"annotations\":{\"patched\":\"merge\"}}}")
                .stdout().trim()).isEqualTo(ref + " patched");
        assertThat(k.jsonpath(ref, "{.metadata.annotations.patched}")).isEqualTo("merge");
        verified("patch --type=merge (" + c.kind() + ")");

        assertThat(k.ok("patch", ref, "-p", c.strategic()).stdout().trim()).isEqualTo(ref + " patched");
        assertThat(k.jsonpath(ref, c.check())).isEqualTo(c.expected());
        assertThat(k.jsonpath(ref, "{.metadata.labels.patched}")).isEqualTo("json");
        assertThat(k.ok("patch", ref, "-p", c.strategic()).stdout().trim()).isEqualTo(ref + " patched (no change)");
        verified("patch (strategic merge, the default) (" + c.kind() + ")");

        Kubectl.Result bad = k.exits(1, "patch", ref, "--type=json", "-p", "[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"other\"}]");
        assertThat(bad.stderr()).containsIgnoringCase("invalid").contains("test");
        assertThat(k.jsonpath(ref, "{.metadata.name}")).isEqualTo(c.name());
        verified("patch --type=json with a failing test op (exit 1)");

        assertThat(k.ok("delete", "-f", replaced.toString()).stdout().trim()).isEqualTo(c.deleted());
        Kubectl.Result gone = k.exits(1, "get", ref);
        assertThat(gone.stderr()).contains("Error from server (NotFound)").contains("\"" + c.name() + "\" not found");
        verified("delete -f (" + c.kind() + ")");
    }
}
