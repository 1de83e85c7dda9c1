package io.coxswain.tests.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.tests.cluster.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every failure reason in kube-apiserver's words: each row is the request that causes it, after the requests that set
 * the scene, and the whole Status body kube-apiserver 1.32 answers with (k8s.io/apimachinery/pkg/api/errors, the
 * registry's store, negotiation, validation), details included; every body ends with a newline as kube's do.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CM = "/api/v1/namespaces/default/configmaps";
    private static final String DEPLOY = "/apis/apps/v1/namespaces/default/deployments";
    private static final String PODS = "/api/v1/namespaces/default/pods";
    private static final String STALE = "the object has been modified; please apply your changes to the latest version and try again";

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static HttpClient http;

    /** One request: method, path, content type and body (null for none). */
    record Call(String method, String path, String contentType, String body) {
        static Call get(String path) {
            return new Call("GET", path, null, null);
        }

        static Call json(String method, String path, String body) {
            return new Call(method, path, "application/json", body);
        }
    }

    /** A row: what it shows, the scene, the request, and kube's answer. */
    record Row(String name, List<Call> before, Call request, int code, String status) {
    }

    @BeforeAll
    static void start() throws IOException {
        cluster = TestCluster.embedded(dir);
        http = cluster.http().http();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String configMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}";
    }

    private static String staleConfigMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\"1\"},\"data\":{\"k\":\"w\"}}";
    }

    private static String deployment(String name, int replicas, String pullPolicy, boolean stale) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\""
                + (stale ? ",\"resourceVersion\":\"1\"" : "") + "},\"spec\":{\"replicas\":" + replicas
                + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name
                + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"coxswain/pause:1\",\"imagePullPolicy\":\"" + pullPolicy + "\"}]}}}}";
    }

    private static String pod(String name, String securityContext) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"coxswain/pause:1\"" + securityContext + "}]}}";
    }

    private static String binding(String pod, String node) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + pod + "\"},\"target\":{\"apiVersion\":\"v1\","
                + "\"kind\":\"Node\",\"name\":\"" + node + "\"}}";
    }

    private static String status(String message, String reason, String details, int code) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":" + quote(message)
                + ",\"reason\":\"" + reason + "\"" + (details == null ? "" : ",\"details\":" + details) + ",\"code\":" + code + "}";
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Row> rows() {
        return List.of(
                new Row("NotFound, core group", List.of(), Call.get(CM + "/nope"), 404,
                        status("configmaps \"nope\" not found", "NotFound", "{\"name\":\"nope\",\"kind\":\"configmaps\"}", 404)),
                new Row("NotFound, apps", List.of(), Call.get(DEPLOY + "/nope"), 404,
                        status("deployments.apps \"nope\" not found", "NotFound",
                                "{\"name\":\"nope\",\"group\":\"apps\",\"kind\":\"deployments\"}", 404)),
                new Row("NotFound, batch", List.of(), Call.get("/apis/batch/v1/namespaces/default/cronjobs/nope"), 404,
                        status("cronjobs.batch \"nope\" not found", "NotFound",
                                "{\"name\":\"nope\",\"group\":\"batch\",\"kind\":\"cronjobs\"}", 404)),
                new Row("NotFound, coordination.k8s.io", List.of(), Call.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/nope"), 404,
                        status("leases.coordination.k8s.io \"nope\" not found", "NotFound",
                                "{\"name\":\"nope\",\"group\":\"coordination.k8s.io\",\"kind\":\"leases\"}", 404)),
                new Row("NotFound, cluster-scoped rbac", List.of(), Call.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/nope"), 404,
                        status("clusterroles.rbac.authorization.k8s.io \"nope\" not found", "NotFound",
                                "{\"name\":\"nope\",\"group\":\"rbac.authorization.k8s.io\",\"kind\":\"clusterroles\"}", 404)),
                new Row("NotFound, delete", List.of(), new Call("DELETE", DEPLOY + "/nope", null, null), 404,
                        status("deployments.apps \"nope\" not found", "NotFound",
                                "{\"name\":\"nope\",\"group\":\"apps\",\"kind\":\"deployments\"}", 404)),
                new Row("NotFound, the namespace of a create", List.of(),
                        Call.json("POST", "/api/v1/namespaces/ghost/configmaps", configMap("x")), 404,
                        status("namespaces \"ghost\" not found", "NotFound", "{\"name\":\"ghost\",\"kind\":\"namespaces\"}", 404)),
                new Row("NotFound, a URL that names no resource", List.of(), Call.get("/api/v1/namespaces/default/widgets"), 404,
                        status("the server could not find the requested resource", "NotFound", "{}", 404)),
                new Row("AlreadyExists, core group", List.of(Call.json("POST", CM, configMap("twice"))),
                        Call.json("POST", CM, configMap("twice")), 409,
                        status("configmaps \"twice\" already exists", "AlreadyExists", "{\"name\":\"twice\",\"kind\":\"configmaps\"}", 409)),
                new Row("AlreadyExists, apps", List.of(Call.json("POST", DEPLOY, deployment("web", 1, "Never", false))),
                        Call.json("POST", DEPLOY, deployment("web", 1, "Never", false)), 409,
                        status("deployments.apps \"web\" already exists", "AlreadyExists",
                                "{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\"}", 409)),
                new Row("Conflict, a stale resourceVersion, core group", List.of(Call.json("POST", CM, configMap("stale"))),
                        Call.json("PUT", CM + "/stale", staleConfigMap("stale")), 409,
                        status("Operation cannot be fulfilled on configmaps \"stale\": " + STALE, "Conflict",
                                "{\"name\":\"stale\",\"kind\":\"configmaps\"}", 409)),
                new Row("Conflict, a stale resourceVersion, apps", List.of(Call.json("POST", DEPLOY, deployment("old", 1, "Never", false))),
                        Call.json("PUT", DEPLOY + "/old", deployment("old", 2, "Never", true)), 409,
                        status("Operation cannot be fulfilled on deployments.apps \"old\": " + STALE, "Conflict",
                                "{\"name\":\"old\",\"group\":\"apps\",\"kind\":\"deployments\"}", 409)),
                new Row("Conflict, a pod bound twice",
                        List.of(Call.json("POST", PODS, pod("bound", "")), Call.json("POST", PODS + "/bound/binding", binding("bound", "n1"))),
                        Call.json("POST", PODS + "/bound/binding", binding("bound", "n2")), 409,
                        status("Operation cannot be fulfilled on pods/binding \"bound\": pod bound is already assigned to node \"n1\"",
                                "Conflict", "{\"name\":\"bound\",\"kind\":\"pods/binding\"}", 409)),
                new Row("Conflict, server-side apply over another manager's field",
                        List.of(new Call("PATCH", CM + "/applied?fieldManager=alice", "application/apply-patch+yaml",
                                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"applied\"},\"data\":{\"k\":\"a\"}}")),
                        new Call("PATCH", CM + "/applied?fieldManager=bob", "application/apply-patch+yaml",
                                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"applied\"},\"data\":{\"k\":\"b\"}}"), 409,
                        status("Apply failed with 1 conflict: conflict with \"alice\": .data.k", "Conflict",
                                "{\"causes\":[{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with \\\"alice\\\"\",\"field\":\".data.k\"}]}",
                                409)),
                new Row("Invalid, apps: a bound and an enum", List.of(), Call.json("POST", DEPLOY, deployment("bad", -1, "Sometimes", false)), 422,
                        status("Deployment.apps \"bad\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, "
                                + "spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: "
                                + "\"Always\", \"Never\", \"IfNotPresent\"]", "Invalid",
                                "{\"name\":\"bad\",\"group\":\"apps\",\"kind\":\"Deployment\",\"causes\":["
                                        + "{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: -1: must be greater than or equal to 0\","
                                        + "\"field\":\"spec.replicas\"},{\"reason\":\"FieldValueNotSupported\",\"message\":\"Unsupported value: "
                                        + "\\\"Sometimes\\\": supported values: \\\"Always\\\", \\\"Never\\\", \\\"IfNotPresent\\\"\","
                                        + "\"field\":\"spec.template.spec.containers[0].imagePullPolicy\"}]}", 422)),
                new Row("Invalid, core group: a required field", List.of(),
                        Call.json("POST", PODS, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"empty\"},\"spec\":{}}"), 422,
                        status("Pod \"empty\" is invalid: spec.containers: Required value", "Invalid",
                                "{\"name\":\"empty\",\"kind\":\"Pod\",\"causes\":[{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\","
                                        + "\"field\":\"spec.containers\"}]}", 422)),
                new Row("Invalid, pod log options", List.of(Call.json("POST", PODS, pod("logs", ""))),
                        Call.get(PODS + "/logs/log?tailLines=-1"), 422,
                        status("PodLogOptions \"logs\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0", "Invalid",
                                "{\"name\":\"logs\",\"kind\":\"PodLogOptions\",\"causes\":[{\"reason\":\"FieldValueInvalid\","
                                        + "\"message\":\"Invalid value: -1: must be greater than or equal to 0\",\"field\":\"tailLines\"}]}", 422)),
                new Row("Invalid, watch options", List.of(), Call.get(CM + "?watch=1&sendInitialEvents=true"), 422,
                        status("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                                + "resourceVersionMatch to NotOlderThan", "Invalid",
                                "{\"group\":\"meta.k8s.io\",\"kind\":\"ListOptions\",\"causes\":[{\"reason\":\"FieldValueForbidden\","
                                        + "\"message\":\"Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan\","
                                        + "\"field\":\"resourceVersionMatch\"}]}", 422)),
                new Row("Forbidden, pod security", List.of(),
                        Call.json("POST", PODS, pod("priv", ",\"securityContext\":{\"privileged\":true}")), 403,
                        status("pods \"priv\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"c\" must not set "
                                + "securityContext.privileged=true)", "Forbidden", "{\"name\":\"priv\",\"kind\":\"pods\"}", 403)),
                new Row("MethodNotAllowed, PUT of a collection", List.of(), Call.json("PUT", CM, configMap("x")), 405,
                        status("the server does not allow this method on the requested resource", "MethodNotAllowed", "{}", 405)),
                new Row("MethodNotAllowed, POST to a named object", List.of(), Call.json("POST", CM + "/x", configMap("x")), 405,
                        status("the server does not allow this method on the requested resource", "MethodNotAllowed", "{}", 405)),
                new Row("UnsupportedMediaType, a create", List.of(), new Call("POST", CM, "text/plain", configMap("x")), 415,
                        status("the body of the request was in an unknown format - accepted media types include: application/json, "
                                + "application/yaml, application/vnd.kubernetes.protobuf", "UnsupportedMediaType", null, 415)),
                new Row("UnsupportedMediaType, a patch", List.of(Call.json("POST", CM, configMap("patched"))),
                        new Call("PATCH", CM + "/patched", "application/json", "{\"data\":{\"k\":\"w\"}}"), 415,
                        status("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
                                + "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
                                "UnsupportedMediaType", null, 415)));
    }

    @TestFactory
    Stream<DynamicTest> eachReasonIsAnsweredAsKubeApiserverAnswersIt() {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> {
            for (Call call : row.before()) {
                HttpResponse<String> r = send(call);
                assertThat(r.statusCode()).as("setting the scene: %s %s -> %s", call.method(), call.path(), r.body()).isBetween(200, 299);
            }
            HttpResponse<String> r = send(row.request());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(row.code());
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).as("kube-apiserver ends a JSON body with a newline").endsWith("}\n");
            JsonNode got = JSON.readTree(r.body());
            JsonNode expected = JSON.readTree(row.status());
            assertThat(got).as("the whole Status").isEqualTo(expected);
        }));
    }

    @TestFactory
    Stream<DynamicTest> successfulBodiesEndWithANewlineToo() {
        return Stream.of("/api", "/apis", "/api/v1", "/apis/apps/v1", CM, "/api/v1/namespaces/default").map(path ->
                DynamicTest.dynamicTest(path, () -> {
                    HttpResponse<String> r = send(Call.get(path));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(r.body()).endsWith("}\n");
                    assertThat(JSON.readTree(r.body()).isObject()).isTrue();
                }));
    }

    @Test
    void aDeleteAnswersWithASuccessStatusUnlessTheRegistryReturnsTheDeletedObject() throws Exception {
        JsonNode cm = JSON.readTree(send(Call.json("POST", CM, configMap("gone"))).body());
        HttpResponse<String> deleted = send(new Call("DELETE", CM + "/gone", null, null));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deleted.body())).isEqualTo(JSON.readTree("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Success\",\"details\":{\"name\":\"gone\",\"kind\":\"configmaps\",\"uid\":\""
                + cm.path("metadata").path("uid").asText() + "\"}}"));
        JsonNode d = JSON.readTree(send(Call.json("POST", DEPLOY, deployment("gone", 0, "Never", false))).body());
        JsonNode status = JSON.readTree(send(new Call("DELETE", DEPLOY + "/gone", null, null)).body());
        assertThat(status.path("details").path("group").asText()).isEqualTo("apps");
        assertThat(status.path("details").path("kind").asText()).isEqualTo("deployments");
        assertThat(status.path("details").path("uid").asText()).isEqualTo(d.path("metadata").path("uid").asText());
        // pods and services set ReturnDeletedObject: an unscheduled pod goes at once and the answer is the Pod
        send(Call.json("POST", PODS, pod("gone", "")));
        JsonNode pod = JSON.readTree(send(new Call("DELETE", PODS + "/gone", null, null)).body());
        assertThat(pod.path("kind").asText()).isEqualTo("Pod");
        assertThat(pod.path("metadata").path("name").asText()).isEqualTo("gone");
    }

    @Test
    void aScalePatchWithoutAResourceVersionGoesThroughWhileTheObjectChanges() throws Exception {
        send(Call.json("POST", DEPLOY, deployment("scaled", 1, "Never", false)));
        for (int i = 0; i < 20; i++) {
            // another writer moves the object on between the client's read of the Scale and its patch
            String rv = JSON.readTree(send(Call.get(DEPLOY + "/scaled/scale")).body()).path("metadata").path("resourceVersion").asText();
            send(new Call("PATCH", DEPLOY + "/scaled", "application/merge-patch+json", "{\"metadata\":{\"annotations\":{\"n\":\"" + i + "\"}}}"));
            HttpResponse<String> r = send(new Call("PATCH", DEPLOY + "/scaled/scale", "application/merge-patch+json",
                    "{\"spec\":{\"replicas\":" + (i % 3) + "}}"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("spec").path("replicas").asInt()).isEqualTo(i % 3);
            assertThat(JSON.readTree(r.body()).path("metadata").path("resourceVersion").asText()).isNotEqualTo(rv);
        }
        // a patch that names a stale resourceVersion is a precondition, and fails as kube's does
        HttpResponse<String> stale = send(new Call("PATCH", DEPLOY + "/scaled/scale", "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"1\"},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":5}]"));
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
    }

    @Test
    void prettyIsIndentedAsGoIndentsWhenAskedOrForCurl() throws Exception {
        String expected = """
                {
                  "kind": "Status",
                  "apiVersion": "v1",
                  "metadata": {},
                  "status": "Failure",
                  "message": "configmaps \\"pretty\\" not found",
                  "reason": "NotFound",
                  "details": {
                    "name": "pretty",
                    "kind": "configmaps"
                  },
                  "code": 404
                }
                """;
        assertThat(send(Call.get(CM + "/pretty?pretty=true")).body()).isEqualTo(expected);
        assertThat(send(Call.get(CM + "/pretty?pretty=1")).body()).isEqualTo(expected);
        HttpResponse<String> curl = http.send(HttpRequest.newBuilder(URI.create(cluster.url() + CM + "/pretty"))
                .header("User-Agent", "curl/7.88.1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(curl.body()).isEqualTo(expected);
        // strconv.ParseBool: "yes" is no boolean, so not pretty; a client's own agent gets one line
        assertThat(send(Call.get(CM + "/pretty?pretty=yes")).body()).doesNotContain("\n ").endsWith("}\n");
        assertThat(send(Call.get(CM + "/pretty")).body()).doesNotContain("\n ").endsWith("}\n");
    }

    private static HttpResponse<String> send(Call call) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url() + call.path())).timeout(Duration.ofSeconds(20))
                .header("Accept", "application/json")
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(call.body()));
        if (call.contentType() != null) {
            b.header("Content-Type", call.contentType());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
