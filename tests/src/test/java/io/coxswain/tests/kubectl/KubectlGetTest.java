package io.coxswain.tests.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.coxswain.tests.SharedFiles;
import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.coxswain.tests.kubectl.KubectlSession.lines;
import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl get} in its output forms, selections and short names, and {@code get -w} seeing another client's change. */
class KubectlGetTest extends KubectlSuite {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    @BeforeAll
    static void start() throws Exception {
        // One of everything `get all` lists, from the examples, plus pods in a second namespace.
        k.ok("apply", "-f", SharedFiles.projectRoot().resolve("examples").toString());
        k.okWithInput("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: other
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: elsewhere
                  namespace: other
                  labels: {tier: backend}
                spec:
                  containers:
                    - name: main
                      image: coxswain/busybox:1
                """, "create", "-f", "-");
        // a ReplicationController as old manifests write it: no selector, which defaults to the template's labels
        k.okWithInput("""
                apiVersion: v1
                kind: ReplicationController
                metadata:
                  name: frontend
                spec:
                  replicas: 2
                  template:
                    metadata:
                      labels: {app: frontend, tier: web}
                    spec:
                      containers:
                        - name: php
                          image: coxswain/busybox:1
                """, "create", "-f", "-");
    }


    @Test
    void getPodsPrintsTheKubernetesColumns() throws Exception {
        List<String> out = lines(k.ok("get", "pods").stdout());
        assertThat(out.get(0)).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
        assertThat(out).hasSize(2);
        assertThat(out.get(1)).matches("hello-pod\\s+0/1\\s+Pending\\s+0\\s+\\d+s");
        verified("get pods (NAME READY STATUS RESTARTS AGE)");
    }

    @Test
    void wideAddsIpAndNode() throws Exception {
        List<String> out = lines(k.ok("get", "pods", "-o", "wide").stdout());
        assertThat(out.get(0)).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
        assertThat(out.get(1)).matches("hello-pod\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+<none>\\s+<none>\\s+<none>\\s+<none>");
        verified("get pods -o wide (adds IP, NODE)");
    }

    @Test
    void yamlAndJsonPrintTheObject() throws Exception {
        JsonNode fromYaml = YAML.readTree(k.ok("get", "pod", "hello-pod", "-o", "yaml").stdout());
        assertThat(fromYaml.path("kind").asText()).isEqualTo("Pod");
        assertThat(fromYaml.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(fromYaml.path("metadata").path("name").asText()).isEqualTo("hello-pod");
        assertThat(fromYaml.path("status").path("phase").asText()).isEqualTo("Pending");
        verified("get pod -o yaml");

        JsonNode fromJson = JSON.readTree(k.ok("get", "pod", "hello-pod", "-o", "json").stdout());
        assertThat(fromJson.path("metadata").path("uid")).isEqualTo(fromYaml.path("metadata").path("uid"));
        assertThat(fromJson.path("spec").path("containers").get(0).path("image").asText()).isEqualTo("coxswain/busybox:1");

        JsonNode list = JSON.readTree(k.ok("get", "deployments", "-o", "json").stdout());
        assertThat(list.path("kind").asText()).isEqualTo("List");
        List<String> names = new ArrayList<>();
        list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("greeting", "web");
        verified("get -o json (object and list)");
    }

    @Test
    void nameOutput() throws Exception {
        assertThat(lines(k.ok("get", "services", "-o", "name").stdout()))
                .containsExactlyInAnyOrder("service/greeting", "service/kubernetes", "service/web");
        assertThat(k.ok("get", "deploy", "web", "-o", "name").stdout().trim()).isEqualTo("deployment.apps/web");
        verified("get -o name");
    }

    @Test
    void allNamespaces() throws Exception {
        List<String> out = lines(k.ok("get", "pods", "-A").stdout());
        assertThat(out.get(0)).matches("NAMESPACE\\s+NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
        assertThat(out.subList(1, out.size())).anyMatch(l -> l.matches("default\\s+hello-pod\\s+.*"))
                .anyMatch(l -> l.matches("other\\s+elsewhere\\s+.*")).hasSize(2);
        assertThat(lines(k.ok("get", "pods").stdout())).noneMatch(l -> l.startsWith("elsewhere"));
        verified("get pods -A");
    }

    @Test
    void labelSelectorAndShowLabels() throws Exception {
        List<String> selected = lines(k.ok("get", "deploy", "-l", "app.kubernetes.io/name=web").stdout());
        assertThat(selected).hasSize(2);
        assertThat(selected.get(0)).matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE");
        assertThat(selected.get(1)).startsWith("web ");
        assertThat(lines(k.ok("get", "pods", "-A", "-l", "tier=backend", "-o", "name").stdout())).containsExactly("pod/elsewhere");
        Kubectl.Result none = k.ok("get", "pods", "-l", "tier=nothing");
        assertThat(none.stdout()).isEmpty();
        assertThat(none.stderr().trim()).isEqualTo("No resources found in default namespace.");
        verified("get -l");

        List<String> labelled = lines(k.ok("get", "pods", "--show-labels").stdout());
        assertThat(labelled.get(0)).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+LABELS");
        assertThat(labelled.get(1)).endsWith("app.kubernetes.io/name=hello-pod,app.kubernetes.io/part-of=coxswain-examples");
        verified("get pods --show-labels");
    }

    @Test
    void getAllListsEveryWorkloadKind() throws Exception {
        String out = k.ok("get", "all").stdout();
        List<String> firstColumn = lines(out).stream().map(l -> l.split("\\s+")[0]).toList();
        assertThat(firstColumn).contains("pod/hello-pod", "service/web", "service/greeting", "service/kubernetes",
                "deployment.apps/web", "deployment.apps/greeting", "replicaset.apps/greeter", "job.batch/sum", "cronjob.batch/ticker",
                "replicationcontroller/frontend");
        for (String prefix : List.of("pod/", "service/", "deployment.apps/", "replicaset.apps/", "job.batch/", "cronjob.batch/")) {
            assertThat(firstColumn).as("get all lists %s", prefix).anyMatch(n -> n.startsWith(prefix));
        }
        assertThat(out).doesNotContain("configmap/");
        verified("get all (pods, services, deployments, replicasets, jobs, cronjobs)");
    }

    @ParameterizedTest(name = "kubectl get {0}")
    @CsvSource({
            "po, hello-pod, NAME READY STATUS RESTARTS AGE",
            "svc, web, NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE",
            "rs, greeter, NAME DESIRED CURRENT READY AGE",
            "rc, frontend, NAME DESIRED CURRENT READY AGE",
            "deploy, web, NAME READY UP-TO-DATE AVAILABLE AGE",
            "cj, ticker, NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE",
            "cm, greeting-content, NAME DATA AGE",
            "ns, other, NAME STATUS AGE",
    })
    void shortNames(String shortName, String expectedName, String header) throws Exception {
        List<String> out = lines(k.ok("get", shortName).stdout());
        assertThat(out.get(0).replaceAll("\\s+", " ")).isEqualTo(header);
        assertThat(out.subList(1, out.size())).anyMatch(l -> l.split("\\s+")[0].equals(expectedName));
        verified("get " + shortName);
    }

    @Test
    void replicationControllerColumnsAndWideSelector() throws Exception {
        List<String> out = lines(k.ok("get", "rc").stdout());
        assertThat(out.get(0)).matches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE");
        assertThat(out).anyMatch(l -> l.matches("frontend\\s+2\\s+0\\s+0\\s+\\d+s"));
        List<String> wide = lines(k.ok("get", "replicationcontrollers", "frontend", "-o", "wide").stdout());
        assertThat(wide.get(0)).matches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR");
        assertThat(wide.get(1)).matches("frontend\\s+2\\s+0\\s+0\\s+\\d+s\\s+php\\s+coxswain/busybox:1\\s+app=frontend,tier=web");
        verified("get rc (NAME DESIRED CURRENT READY AGE; wide adds CONTAINERS IMAGES SELECTOR)");
    }

    @Test
    void watchShowsAChangeMadeByAnotherClient() throws Exception {
        Process watcher = k.kubectl.start("get", "pods", "-w");
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        List<String> all = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(watcher.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    all.add(line);
                    seen.add(line);
                }
            } catch (IOException ignored) {
                // the process was destroyed
            }
        }, "kubectl-watch-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            String header = awaitLine(seen, l -> l.startsWith("NAME"), all);
            assertThat(header).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
            awaitLine(seen, l -> l.startsWith("hello-pod "), all);

            k.okWithInput("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: watched
                    spec:
                      containers:
                        - name: main
                          image: coxswain/busybox:1
                    """, "create", "-f", "-");
            assertThat(awaitLine(seen, l -> l.startsWith("watched "), all)).matches("watched\\s+0/1\\s+Pending\\s+0\\s+\\d+s");

            k.ok("delete", "pod", "hello-pod", "--wait=false");
            assertThat(awaitLine(seen, l -> l.startsWith("hello-pod "), all)).matches("hello-pod\\s+0/1\\s+(Pending|Terminating)\\s+0\\s+\\d+s");
            assertThat(watcher.isAlive()).isTrue();
            verified("get pods -w (shows a pod created, then one deleted, by another kubectl)");
        } finally {
            watcher.destroy();
            if (!watcher.waitFor(10, TimeUnit.SECONDS)) {
                watcher.destroyForcibly();
            }
            // Put back what the rest of the class expects.
            k.ok("apply", "-f", SharedFiles.projectRoot().resolve("examples/pod.yaml").toString());
            k.ok("delete", "pod", "watched");
        }
    }

    private static String awaitLine(BlockingQueue<String> seen, Predicate<String> wanted, List<String> all) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String line = seen.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && wanted.test(line)) {
                return line;
            }
        }
        throw new AssertionError("kubectl get -w did not print the expected line in 20 s; it printed: " + all);
    }
}
