package io.coxswain.tests.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.coxswain.tests.SharedFiles;
import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.coxswain.tests.kubectl.KubectlSession.lines;
import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real kubectl's apply in its forms against Coxswain: client-side apply of every example (create, unchanged,
 * changed with containers merged by name and the last-applied annotation kept), server-side apply with a
 * field-manager conflict and --force-conflicts, diff, and server dry runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlApplyTest extends KubectlSuite {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static final Path EXAMPLES = SharedFiles.projectRoot().resolve("examples");


    /** Every document of every example file, in file order. */
    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
            while (it.hasNext()) {
                JsonNode doc = (JsonNode) it.next();
                if (doc != null && !doc.isNull() && doc.size() > 0) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** How kubectl names an object in its one-line messages: {@code deployment.apps/web}. */
    private static String ref(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return doc.path("kind").asText().toLowerCase() + (group.isEmpty() ? "" : "." + group) + "/" + doc.path("metadata").path("name").asText();
    }

    private static String resource(JsonNode doc) {
        String r = ref(doc);
        return r.substring(0, r.indexOf('/')) + " " + r.substring(r.indexOf('/') + 1);
    }

    private static JsonNode live(JsonNode doc) throws Exception {
        String[] res = resource(doc).split(" ");
        return JSON.readTree(k.ok("get", res[0], res[1], "-o", "json").stdout());
    }

    @Test
    @Order(1)
    void applyCreatesEveryExample() throws Exception {
        List<Path> files = exampleFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(7);
        for (Path file : files) {
            List<JsonNode> docs = documents(file);
            Kubectl.Result r = k.ok("apply", "-f", file.toString());
            List<String> expected = docs.stream().map(d -> ref(d) + " created").toList();
            assertThat(lines(r.stdout())).as(file.getFileName().toString()).containsExactlyElementsOf(expected);
            for (JsonNode doc : docs) {
                JsonNode object = live(doc);
                assertThat(object.path("metadata").path("uid").asText()).isNotEmpty();
                JsonNode lastApplied = JSON.readTree(object.path("metadata").path("annotations").path(LAST_APPLIED).asText("{}"));
                assertThat(lastApplied.path("kind")).isEqualTo(doc.path("kind"));
                assertThat(lastApplied.path("metadata").path("labels")).isEqualTo(doc.path("metadata").path("labels"));
                for (String field : List.of("spec", "data")) {
                    assertThat(lastApplied.path(field)).as("%s of %s in last-applied", field, ref(doc)).isEqualTo(doc.path(field));
                }
            }
            verified("apply -f examples/" + file.getFileName());
        }
    }

    @Test
    @Order(2)
    void applyingTheSameFilesAgainChangesNothing() throws Exception {
        List<String> expected = new ArrayList<>();
        for (Path file : exampleFiles()) {
            documents(file).forEach(d -> expected.add(ref(d) + " unchanged"));
        }
        JsonNode before = live(documents(EXAMPLES.resolve("deployment.yaml")).get(0));
        Kubectl.Result r = k.ok("apply", "-f", EXAMPLES.toString());
        assertThat(lines(r.stdout())).containsExactlyInAnyOrderElementsOf(expected);
        JsonNode after = live(documents(EXAMPLES.resolve("deployment.yaml")).get(0));
        assertThat(after.path("metadata").path("resourceVersion")).isEqualTo(before.path("metadata").path("resourceVersion"));
        verified("apply -f examples/ (again: every object unchanged)");
    }

    @Test
    @Order(3)
    void applyAfterAChangeMergesContainersByNameAndUpdatesLastApplied() throws Exception {
        ObjectNode deployment = (ObjectNode) documents(EXAMPLES.resolve("deployment.yaml")).get(0);
        ArrayNode containers = (ArrayNode) deployment.path("spec").path("template").path("spec").path("containers");
        ObjectNode sidecar = containers.addObject();
        sidecar.put("name", "sidecar").put("image", "coxswain/busybox:1").put("imagePullPolicy", "Never");
        sidecar.putArray("command").add("sleep").add("3600");
        Path twoContainers = k.write("web-two-containers.yaml", YAML.writeValueAsString(deployment));
        assertThat(k.ok("apply", "-f", twoContainers.toString()).stdout().trim()).isEqualTo("deployment.apps/web configured");

        // Another client adds something the applied file never mentions to the sidecar.
        k.ok("patch", "deployment", "web", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"env\":[{\"name\":\"ADDED_BY\",\"value\":\"patch\"}]}]}}}}");

        // Now only the web container's image changes in the file.
        ((ObjectNode) containers.get(0)).put("image", "coxswain/busybox:2");
        Path changed = k.write("web-two-containers-v2.yaml", YAML.writeValueAsString(deployment));
        assertThat(k.ok("apply", "-f", changed.toString()).stdout().trim()).isEqualTo("deployment.apps/web configured");

        JsonNode object = JSON.readTree(k.ok("get", "deploy", "web", "-o", "json").stdout());
        JsonNode live = object.path("spec").path("template").path("spec").path("containers");
        assertThat(live).hasSize(2);
        JsonNode web = live.get(0);
        JsonNode side = live.get(1);
        assertThat(web.path("name").asText()).isEqualTo("web");
        assertThat(web.path("image").asText()).isEqualTo("coxswain/busybox:2");
        assertThat(web.path("command")).isEqualTo(containers.get(0).path("command"));
        assertThat(web.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/index.html");
        assertThat(side.path("name").asText()).isEqualTo("sidecar");
        assertThat(side.path("image").asText()).isEqualTo("coxswain/busybox:1");
        assertThat(side.path("command")).isEqualTo(JSON.readTree("[\"sleep\",\"3600\"]"));
        assertThat(side.path("env")).isEqualTo(JSON.readTree("[{\"name\":\"ADDED_BY\",\"value\":\"patch\"}]"));

        JsonNode lastApplied = JSON.readTree(object.path("metadata").path("annotations").path(LAST_APPLIED).asText());
        JsonNode appliedContainers = lastApplied.path("spec").path("template").path("spec").path("containers");
        assertThat(appliedContainers).hasSize(2);
        assertThat(appliedContainers.get(0).path("image").asText()).isEqualTo("coxswain/busybox:2");
        assertThat(appliedContainers.get(1).has("env")).as("last-applied holds only what was applied").isFalse();
        assertThat(object.path("metadata").path("labels")).isEqualTo(deployment.path("metadata").path("labels"));

        assertThat(k.ok("apply", "-f", changed.toString()).stdout().trim()).isEqualTo("deployment.apps/web unchanged");
        verified("apply -f (2-container template, one image changed: merged by name, last-applied updated)");
    }

    @Test
    @Order(4)
    void diffExitsZeroWhenEqualAndOneWhenDifferent() throws Exception {
        Path pod = EXAMPLES.resolve("pod.yaml");
        Kubectl.Result same = k.exits(0, "diff", "-f", pod.toString());
        assertThat(same.stdout()).isEmpty();
        verified("diff -f examples/pod.yaml (exit 0, no output)");

        Path changed = k.write("pod-changed.yaml", Files.readString(pod).replace("coxswain/busybox:1", "coxswain/busybox:3"));
        Kubectl.Result different = k.exits(1, "diff", "-f", changed.toString());
        assertThat(different.stdout()).containsPattern("(?m)^-\\s+image: coxswain/busybox:1$").containsPattern("(?m)^\\+\\s+image: coxswain/busybox:3$")
                .contains("v1.Pod.default.hello-pod");
        assertThat(k.jsonpath("pod/hello-pod", "{.spec.containers[0].image}")).isEqualTo("coxswain/busybox:1");
        verified("diff -f (changed file: exit 1, unified diff)");
    }

    @Test
    @Order(5)
    void serverSideApplyCreatesAndOwnsFields() throws Exception {
        Path cm = k.write("ssa-new.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ssa-new
                  labels:
                    via: ssa
                data:
                  key: one
                """);
        assertThat(k.ok("apply", "--server-side", "-f", cm.toString()).stdout().trim()).isEqualTo("configmap/ssa-new serverside-applied");
        assertThat(k.ok("apply", "--server-side", "-f", cm.toString()).stdout().trim()).isEqualTo("configmap/ssa-new serverside-applied");
        JsonNode object = JSON.readTree(k.ok("get", "cm", "ssa-new", "-o", "json", "--show-managed-fields").stdout());
        assertThat(object.path("data").path("key").asText()).isEqualTo("one");
        JsonNode managed = object.path("metadata").path("managedFields");
        assertThat(managed).hasSize(1);
        assertThat(managed.get(0).path("manager").asText()).isEqualTo("kubectl");
        assertThat(managed.get(0).path("operation").asText()).isEqualTo("Apply");
        verified("apply --server-side -f (new object, then again)");
    }

    @Test
    @Order(6)
    void serverSideApplyConflictsWithClientSideApplyUnlessForced() throws Exception {
        Path blue = k.write("ssa-cm-blue.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ssa-cm
                data:
                  color: blue
                """);
        Path red = k.write("ssa-cm-red.yaml", Files.readString(blue).replace("blue", "red"));
        assertThat(k.ok("apply", "-f", blue.toString()).stdout().trim()).isEqualTo("configmap/ssa-cm created");

        Kubectl.Result conflict = k.exits(1, "apply", "--server-side", "-f", red.toString());
        assertThat(conflict.stderr()).contains("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.color")
                .contains("--force-conflicts");
        assertThat(k.jsonpath("cm/ssa-cm", "{.data.color}")).isEqualTo("blue");
        verified("apply --server-side -f (conflict with kubectl-client-side-apply: exit 1)");

        assertThat(k.ok("apply", "--server-side", "--force-conflicts", "-f", red.toString()).stdout().trim())
                .isEqualTo("configmap/ssa-cm serverside-applied");
        assertThat(k.jsonpath("cm/ssa-cm", "{.data.color}")).isEqualTo("red");
        JsonNode managed = JSON.readTree(k.ok("get", "cm", "ssa-cm", "-o", "json", "--show-managed-fields").stdout())
                .path("metadata").path("managedFields");
        JsonNode apply = null;
        for (JsonNode entry : managed) {
            if (entry.path("manager").asText().equals("kubectl") && entry.path("operation").asText().equals("Apply")) {
                apply = entry;
            }
        }
        assertThat(apply).as("an Apply entry for kubectl in %s", managed).isNotNull();
        assertThat(apply.path("fieldsV1").path("f:data").has("f:color")).isTrue();
        verified("apply --server-side --force-conflicts -f");
    }

    @Test
    @Order(7)
    void serverDryRunStoresNothing() throws Exception {
        Path pod = k.write("dry-pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: dry-pod
                spec:
                  containers:
                    - name: main
                      image: coxswain/busybox:1
                """);
        assertThat(k.ok("apply", "--dry-run=server", "-f", pod.toString()).stdout().trim()).isEqualTo("pod/dry-pod created (server dry run)");
        assertThat(k.ok("create", "--dry-run=server", "-f", pod.toString()).stdout().trim()).isEqualTo("pod/dry-pod created (server dry run)");
        Kubectl.Result missing = k.exits(1, "get", "pod", "dry-pod");
        assertThat(missing.stderr()).contains("Error from server (NotFound): pods \"dry-pod\" not found");
        verified("apply --dry-run=server -f (new object: nothing stored)");
        verified("create --dry-run=server -f (nothing stored)");

        Path changed = k.write("pod-dry-changed.yaml",
                Files.readString(EXAMPLES.resolve("pod.yaml")).replace("coxswain/busybox:1", "coxswain/busybox:9"));
        String rv = k.jsonpath("pod/hello-pod", "{.metadata.resourceVersion}");
        assertThat(k.ok("apply", "--dry-run=server", "-f", changed.toString()).stdout().trim())
                .isEqualTo("pod/hello-pod configured (server dry run)");
        assertThat(k.jsonpath("pod/hello-pod", "{.spec.containers[0].image}")).isEqualTo("coxswain/busybox:1");
        assertThat(k.jsonpath("pod/hello-pod", "{.metadata.resourceVersion}")).isEqualTo(rv);
        verified("apply --dry-run=server -f (existing object: unchanged afterwards)");

        assertThat(k.ok("delete", "--dry-run=server", "pod", "hello-pod").stdout().trim())
                .isEqualTo("pod \"hello-pod\" deleted (server dry run)");
        assertThat(k.ok("get", "pod", "hello-pod", "-o", "name").stdout().trim()).isEqualTo("pod/hello-pod");
        verified("delete --dry-run=server (object still there)");
    }
}
