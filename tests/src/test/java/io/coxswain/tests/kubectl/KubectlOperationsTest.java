package io.coxswain.tests.kubectl;

import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import static io.coxswain.tests.kubectl.KubectlSession.lines;
import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/** describe (with events), explain, delete, scale, label, annotate and wait --for=delete. */
class KubectlOperationsTest extends KubectlSuite {


    private static String pod(String name, String extraSpec) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels: {app: ops}
                spec:
                %s  containers:
                    - name: main
                      image: coxswain/busybox:1
                      command: ["sleep", "3600"]
                """.formatted(name, extraSpec);
    }

    @Test
    void describePodShowsItsEvents() throws Exception {
        k.okWithInput(pod("described", ""), "create", "-f", "-");
        String uid = k.jsonpath("pod/described", "{.metadata.uid}");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Path event = k.write("event.yaml", """
                apiVersion: v1
                kind: Event
                metadata:
                  name: described.suite1
                involvedObject:
                  apiVersion: v1
                  kind: Pod
                  name: described
                  namespace: default
                  uid: %s
                reason: SuiteCheck
                message: the kubectl suite wrote this event
                type: Warning
                source:
                  component: coxswain-tests
                count: 1
                firstTimestamp: "%s"
                lastTimestamp: "%s"
                """.formatted(uid, now, now));
        assertThat(k.ok("create", "-f", event.toString()).stdout().trim()).isEqualTo("event/described.suite1 created");
        verified("create -f (core/v1 Event)");

        String out = k.ok("describe", "pod", "described").stdout();
        assertThat(out).containsPattern("(?m)^Name:\\s+described$")
                .containsPattern("(?m)^Namespace:\\s+default$")
                .containsPattern("(?m)^Status:\\s+Pending$")
                .containsPattern("(?m)^Labels:\\s+app=ops$")
                .containsPattern("(?m)^\\s+Image:\\s+coxswain/busybox:1$")
                .containsPattern("(?m)^Events:$")
                .containsPattern("(?m)^\\s+Type\\s+Reason\\s+Age\\s+From\\s+Message$")
                .containsPattern("(?m)^\\s+Warning\\s+SuiteCheck\\s+\\d+s\\s+coxswain-tests\\s+the kubectl suite wrote this event$");
        verified("describe pod (shows its Event)");

        assertThat(lines(k.ok("get", "events", "--field-selector", "involvedObject.name=described").stdout()))
                .anyMatch(l -> l.matches(".*Warning\\s+SuiteCheck\\s+pod/described\\s+the kubectl suite wrote this event"));
        verified("get events --field-selector involvedObject.name=…");
    }

    @Test
    void explainPrintsTheFieldDocumentation() throws Exception {
        String out = k.ok("explain", "pod.spec.containers.image").stdout();
        assertThat(out).containsPattern("(?m)^KIND:\\s+Pod$").containsPattern("(?m)^VERSION:\\s+v1$")
                .containsPattern("(?m)^FIELD:\\s+image <string>$").contains("DESCRIPTION:").contains("Container image");
        verified("explain pod.spec.containers.image");
    }

    @Test
    void deleteWaitsUntilTheObjectIsGone() throws Exception {
        k.okWithInput(pod("short-lived", ""), "create", "-f", "-");
        assertThat(k.ok("delete", "pod", "short-lived").stdout().trim()).isEqualTo("pod \"short-lived\" deleted");
        assertThat(k.exits(1, "get", "pod", "short-lived").stderr()).contains("pods \"short-lived\" not found");

        // A pod bound to a node stays Terminating without a kubelet; --grace-period=0 --force removes it at once.
        k.okWithInput(pod("bound", "  nodeName: node-a\n"), "create", "-f", "-");
        Kubectl.Result forced = k.ok("delete", "pod", "bound", "--grace-period=0", "--force");
        assertThat(forced.stdout().trim()).isEqualTo("pod \"bound\" force deleted");
        assertThat(forced.stderr()).contains("Immediate deletion does not wait");
        assertThat(k.exits(1, "get", "pod", "bound").stderr()).contains("pods \"bound\" not found");

        Kubectl.Result missing = k.exits(1, "delete", "pod", "never-was");
        assertThat(missing.stderr().trim()).isEqualTo("Error from server (NotFound): pods \"never-was\" not found");
        verified("delete pod (waits until gone; --grace-period=0 --force; missing: exit 1)");
    }

    @Test
    void scaleAReplicaSet() throws Exception {
        k.okWithInput("""
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: scaled
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: scaled}
                  template:
                    metadata:
                      labels: {app: scaled}
                    spec:
                      containers:
                        - name: main
                          image: coxswain/busybox:1
                """, "create", "-f", "-");
        assertThat(k.ok("scale", "rs", "scaled", "--replicas=3").stdout().trim()).isEqualTo("replicaset.apps/scaled scaled");
        assertThat(k.jsonpath("rs/scaled", "{.spec.replicas}")).isEqualTo("3");
        assertThat(lines(k.ok("get", "rs", "scaled").stdout()).get(1)).matches("scaled\\s+3\\s+\\d+\\s+\\d+\\s+\\d+s");
        Kubectl.Result stale = k.exits(1, "scale", "rs", "scaled", "--replicas=5", "--current-replicas=1");
        assertThat(stale.stderr()).contains("error: Expected replicas to be 1, was 3");
        assertThat(k.jsonpath("rs/scaled", "{.spec.replicas}")).isEqualTo("3");
        verified("scale rs --replicas=3");
    }

    @Test
    void scaleDescribeAndExplainAReplicationController() throws Exception {
        // no selector and no labels: both default to the template's labels
        k.okWithInput("""
                apiVersion: v1
                kind: ReplicationController
                metadata:
                  name: legacy
                spec:
                  replicas: 1
                  template:
                    metadata:
                      labels: {app: legacy}
                    spec:
                      containers:
                        - name: main
                          image: coxswain/busybox:1
                """, "create", "-f", "-");
        assertThat(k.jsonpath("rc/legacy", "{.spec.selector.app}")).isEqualTo("legacy");
        assertThat(k.jsonpath("rc/legacy", "{.metadata.labels.app}")).isEqualTo("legacy");
        assertThat(k.ok("scale", "rc", "legacy", "--replicas=3").stdout().trim()).isEqualTo("replicationcontroller/legacy scaled");
        assertThat(k.jsonpath("rc/legacy", "{.spec.replicas}")).isEqualTo("3");
        // the Scale subresource reads the map selector as a set selector
        assertThat(k.ok("get", "--raw", "/api/v1/namespaces/default/replicationcontrollers/legacy/scale").stdout())
                .contains("\"selector\":\"app=legacy\"");
        assertThat(lines(k.ok("get", "rc", "legacy").stdout()).get(1)).matches("legacy\\s+3\\s+0\\s+0\\s+\\d+s");
        Kubectl.Result stale = k.exits(1, "scale", "rc", "legacy", "--replicas=5", "--current-replicas=1");
        assertThat(stale.stderr()).contains("error: Expected replicas to be 1, was 3");
        verified("scale rc --replicas=3");

        String described = k.ok("describe", "rc", "legacy").stdout();
        assertThat(described).containsPattern("(?m)^Name:\\s+legacy$")
                .containsPattern("(?m)^Selector:\\s+app=legacy$")
                .containsPattern("(?m)^Replicas:\\s+0 current / 3 desired$")
                .containsPattern("(?m)^Pods Status:\\s+0 Running / 0 Waiting / 0 Succeeded / 0 Failed$")
                .containsPattern("(?m)^\\s+Image:\\s+coxswain/busybox:1$");
        verified("describe rc");

        String explained = k.ok("explain", "rc.spec.selector").stdout();
        assertThat(explained).containsPattern("(?m)^KIND:\\s+ReplicationController$").containsPattern("(?m)^VERSION:\\s+v1$")
                .containsPattern("(?m)^FIELD:\\s+selector <map\\[string\\]string>$");
        assertThat(explained.replaceAll("\\s+", " ")).contains("When empty it defaults to the pod template's labels");
        verified("explain rc.spec.selector");

        // a selector that misses the template is refused with kube's field path
        Path mismatched = k.write("mismatched-rc.yaml", """
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: mismatched}
                spec:
                  selector: {app: one}
                  template:
                    metadata: {labels: {app: other}}
                    spec:
                      containers: [{name: main, image: coxswain/busybox:1}]
                """);
        Kubectl.Result refused = k.exits(1, "create", "-f", mismatched.toString());
        assertThat(refused.stderr()).contains("ReplicationController \"mismatched\" is invalid").contains("spec.template.metadata.labels");

        assertThat(k.ok("delete", "rc", "legacy").stdout().trim()).isEqualTo("replicationcontroller \"legacy\" deleted");
        verified("delete rc");
    }

    @Test
    void labelAndAnnotate() throws Exception {
        k.okWithInput(pod("tagged", ""), "create", "-f", "-");
        assertThat(k.ok("label", "pod", "tagged", "tier=frontend").stdout().trim()).isEqualTo("pod/tagged labeled");
        assertThat(k.ok("get", "pods", "-l", "tier=frontend", "-o", "name").stdout().trim()).isEqualTo("pod/tagged");
        Kubectl.Result clash = k.exits(1, "label", "pod", "tagged", "tier=backend");
        assertThat(clash.stderr()).contains("'tier' already has a value (frontend), and --overwrite is false");
        assertThat(k.ok("label", "pod", "tagged", "tier=backend", "--overwrite").stdout().trim()).isEqualTo("pod/tagged labeled");
        assertThat(k.jsonpath("pod/tagged", "{.metadata.labels.tier}")).isEqualTo("backend");
        assertThat(k.ok("label", "pod", "tagged", "tier-").stdout().trim()).isEqualTo("pod/tagged unlabeled");
        assertThat(k.jsonpath("pod/tagged", "{.metadata.labels}")).doesNotContain("tier");
        verified("label (add, --overwrite, remove)");

        assertThat(k.ok("annotate", "pod", "tagged", "owner=suite", "note=hello world").stdout().trim()).isEqualTo("pod/tagged annotated");
        assertThat(k.jsonpath("pod/tagged", "{.metadata.annotations.owner},{.metadata.annotations.note}")).isEqualTo("suite,hello world");
        assertThat(k.ok("annotate", "pod", "tagged", "note-").stdout().trim()).isEqualTo("pod/tagged annotated");
        assertThat(k.jsonpath("pod/tagged", "{.metadata.annotations}")).contains("owner").doesNotContain("note");
        verified("annotate (add, remove)");
        k.ok("delete", "pod", "tagged");
    }

    @Test
    void waitForDeleteReturnsWhenABackgroundDeletionFinishes() throws Exception {
        // A finalizer holds the object in Terminating until another client removes it.
        k.okWithInput("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: held
                  finalizers: ["coxswain.io/suite"]
                data: {a: "1"}
                """, "create", "-f", "-");
        assertThat(k.ok("delete", "configmap", "held", "--wait=false").stdout().trim()).isEqualTo("configmap \"held\" deleted");
        assertThat(k.jsonpath("cm/held", "{.metadata.deletionTimestamp}")).isNotEmpty();

        Process waiting = k.kubectl.start("wait", "--for=delete", "configmap/held", "--timeout=30s");
        try {
            assertThat(waiting.waitFor(2, TimeUnit.SECONDS)).as("wait returns only once the object is gone").isFalse();
            k.ok("patch", "configmap", "held", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
            assertThat(waiting.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(waiting.exitValue()).as(out).isZero();
            assertThat(out.trim()).isEqualTo("configmap/held condition met");
        } finally {
            waiting.destroyForcibly();
        }
        assertThat(k.exits(1, "get", "cm", "held").stderr()).contains("configmaps \"held\" not found");

        // Deleted in the background first, waited for after.
        k.okWithInput(pod("background", ""), "create", "-f", "-");
        k.ok("delete", "pod", "background", "--wait=false");
        Kubectl.Result waited = k.ok("wait", "--for=delete", "pod/background", "--timeout=30s");
        assertThat(waited.exitCode()).isZero();
        assertThat(k.exits(1, "get", "pod", "background").stderr()).contains("not found");
        verified("wait --for=delete (after delete --wait=false)");

    }

    /** An immutable ConfigMap, as kube-apiserver keeps it: its data and the flag itself refused, its metadata still free. */
    @Test
    void anImmutableConfigMapRefusesDataChanges() throws Exception {
        k.okWithInput("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: frozen
                immutable: true
                data: {k: v}
                """, "create", "-f", "-");
        assertThat(k.exits(1, "patch", "configmap", "frozen", "-p", "{\"data\":{\"k\":\"w\"}}").stderr().trim())
                .isEqualTo("The ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set");
        assertThat(k.exits(1, "patch", "configmap", "frozen", "-p", "{\"immutable\":false}").stderr().trim())
                .isEqualTo("The ConfigMap \"frozen\" is invalid: immutable: Forbidden: field is immutable when `immutable` is set");
        k.ok("label", "configmap", "frozen", "tier=settings");
        assertThat(k.jsonpath("cm/frozen", "{.data.k} {.metadata.labels.tier}")).isEqualTo("v settings");
        verified("immutable ConfigMap: data and immutable refused, labels changed");
    }
}
