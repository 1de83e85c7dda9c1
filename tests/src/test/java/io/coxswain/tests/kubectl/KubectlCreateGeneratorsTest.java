package io.coxswain.tests.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl's generator commands ({@code create configmap}, {@code create deployment}, ...), which send their typed
 * objects as protobuf ({@code application/vnd.kubernetes.protobuf}), each checked through what is then stored.
 * ({@code create secret generic} is left out: Coxswain serves no secrets yet; its body is covered by ProtobufBodyTest.)
 */
class KubectlCreateGeneratorsTest extends KubectlSuite {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode get(String ref) throws Exception {
        return JSON.readTree(k.ok("get", ref, "-o", "json").stdout());
    }

    @Test
    void createConfigMapFromLiteralsAndAFile() throws Exception {
        Path file = k.write("settings.properties", "color=blue\n");
        assertThat(k.ok("create", "configmap", "gen-cm", "--from-literal=a=b", "--from-literal=empty=",
                "--from-file=" + file).stdout().trim()).isEqualTo("configmap/gen-cm created");
        JsonNode cm = get("configmap/gen-cm");
        assertThat(cm.path("data").path("a").asText()).isEqualTo("b");
        assertThat(cm.path("data").has("empty")).isTrue();
        assertThat(cm.path("data").path("empty").asText()).isEmpty();
        assertThat(cm.path("data").path("settings.properties").asText()).isEqualTo("color=blue\n");
        assertThat(cm.path("metadata").path("uid").asText()).isNotEmpty();
        assertThat(cm.path("metadata").path("resourceVersion").asText()).isNotEmpty();
        assertThat(cm.path("metadata").path("creationTimestamp").asText()).isNotEmpty();
        JsonNode managed = JSON.readTree(k.ok("get", "configmap/gen-cm", "-o", "json", "--show-managed-fields").stdout());
        assertThat(managed.path("metadata").path("managedFields").path(0).path("manager").asText()).isEqualTo("kubectl-create");
        verified("create configmap --from-literal --from-file (protobuf body)");
    }

    @Test
    void createDeploymentWithReplicasAndPort() throws Exception {
        assertThat(k.ok("create", "deployment", "web", "--image=busybox", "--replicas=2", "--port=80")
                .stdout().trim()).isEqualTo("deployment.apps/web created");
        JsonNode d = get("deployment/web");
        JsonNode spec = d.path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(2);
        assertThat(spec.path("selector").path("matchLabels").path("app").asText()).isEqualTo("web");
        assertThat(d.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
        JsonNode container = spec.path("template").path("spec").path("containers").path(0);
        assertThat(container.path("name").asText()).isEqualTo("busybox");
        assertThat(container.path("image").asText()).isEqualTo("busybox");
        assertThat(container.path("ports").path(0).path("containerPort").asInt()).isEqualTo(80);
        // the Go zero values kubectl's protobuf carries do not show up as fields
        assertThat(d.path("metadata").has("generateName")).isFalse();
        assertThat(container.has("stdin")).isFalse();
        assertThat(spec.path("template").path("spec").has("hostNetwork")).isFalse();
        verified("create deployment --replicas --port (protobuf body)");

        assertThat(k.ok("create", "deployment", "idle", "--image=busybox", "--replicas=0").stdout().trim())
                .isEqualTo("deployment.apps/idle created");
        assertThat(k.jsonpath("deployment/idle", "{.spec.replicas}")).isEqualTo("0");
        verified("create deployment --replicas=0 keeps replicas 0");
    }

    @Test
    void createJobCronJobAndAJobFromTheCronJob() throws Exception {
        assertThat(k.ok("create", "job", "gen-job", "--image=busybox", "--", "echo", "hi").stdout().trim())
                .isEqualTo("job.batch/gen-job created");
        JsonNode job = get("job/gen-job");
        JsonNode podSpec = job.path("spec").path("template").path("spec");
        assertThat(podSpec.path("restartPolicy").asText()).isEqualTo("Never");
        assertThat(podSpec.path("containers").path(0).path("command").toString()).isEqualTo("[\"echo\",\"hi\"]");
        verified("create job -- command (protobuf body)");

        assertThat(k.ok("create", "cronjob", "gen-cron", "--image=busybox", "--schedule=*/5 * * * *")
                .stdout().trim()).isEqualTo("cronjob.batch/gen-cron created");
        JsonNode cron = get("cronjob/gen-cron");
        assertThat(cron.path("spec").path("schedule").asText()).isEqualTo("*/5 * * * *");
        assertThat(cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec")
                .path("containers").path(0).path("image").asText()).isEqualTo("busybox");
        verified("create cronjob --schedule (protobuf body)");

        assertThat(k.ok("create", "job", "from-cron", "--from=cronjob/gen-cron").stdout().trim())
                .isEqualTo("job.batch/from-cron created");
        JsonNode fromCron = get("job/from-cron");
        assertThat(fromCron.path("metadata").path("annotations").path("cronjob.kubernetes.io/instantiate").asText())
                .isEqualTo("manual");
        JsonNode owner = fromCron.path("metadata").path("ownerReferences").path(0);
        assertThat(owner.path("kind").asText()).isEqualTo("CronJob");
        assertThat(owner.path("name").asText()).isEqualTo("gen-cron");
        assertThat(owner.path("uid").asText()).isEqualTo(cron.path("metadata").path("uid").asText());
        assertThat(owner.path("controller").asBoolean()).isTrue();
        verified("create job --from=cronjob/NAME (protobuf body, ownerReferences)");
    }

    @Test
    void createServiceClusterIpAndNamespace() throws Exception {
        assertThat(k.ok("create", "service", "clusterip", "gen-svc", "--tcp=80:8080").stdout().trim())
                .isEqualTo("service/gen-svc created");
        JsonNode svc = get("service/gen-svc");
        JsonNode port = svc.path("spec").path("ports").path(0);
        assertThat(port.path("port").asInt()).isEqualTo(80);
        assertThat(port.path("targetPort").asInt()).isEqualTo(8080);
        assertThat(port.path("protocol").asText()).isEqualTo("TCP");
        assertThat(svc.path("spec").path("type").asText()).isEqualTo("ClusterIP");
        assertThat(svc.path("spec").path("selector").path("app").asText()).isEqualTo("gen-svc");
        assertThat(svc.path("spec").path("clusterIP").asText()).isNotEmpty();
        verified("create service clusterip --tcp (protobuf body)");

        assertThat(k.ok("create", "namespace", "gen-ns").stdout().trim()).isEqualTo("namespace/gen-ns created");
        assertThat(k.jsonpath("namespace/gen-ns", "{.status.phase}")).isEqualTo("Active");
        assertThat(k.ok("create", "configmap", "inside", "-n", "gen-ns", "--from-literal=k=v").stdout().trim())
                .isEqualTo("configmap/inside created");
        assertThat(k.jsonpath("configmap/inside", "{.metadata.namespace}", "-n", "gen-ns")).isEqualTo("gen-ns");
        verified("create namespace (protobuf body)");
    }

    @Test
    void serverDryRunPrintsTheObjectAndStoresNothing() throws Exception {
        String yaml = k.ok("create", "deployment", "dry", "--image=busybox", "--dry-run=server", "-o", "yaml").stdout();
        assertThat(yaml).contains("kind: Deployment").contains("name: dry").contains("image: busybox")
                .contains("uid: ");
        assertThat(k.exits(1, "get", "deployment/dry").stderr()).contains("NotFound");
        verified("create deployment --dry-run=server -o yaml (protobuf body; nothing stored)");
    }

    @Test
    void aSecondCreateIsAlreadyExists() throws Exception {
        k.ok("create", "configmap", "twice", "--from-literal=a=1");
        assertThat(k.exits(1, "create", "configmap", "twice", "--from-literal=a=1").stderr())
                .contains("error: failed to create configmap: configmaps \"twice\" already exists");
        verified("create configmap twice: AlreadyExists, exit 1");
    }

    /** What kubectl sends, over HTTPS as the admin: the reply is JSON whatever Accept prefers, and an unknown field is a 400. */
    @Test
    void protobufBodiesOverHttpGetJsonReplies() throws Exception {
        HttpClient http = k.cluster.http().http();
        V1.ConfigMap cm = V1.ConfigMap.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("raw-cm")).putData("k", "v")
                .build();
        HttpResponse<String> created = http.send(post(envelope(cm.toByteString())), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(JSON.readTree(created.body()).path("data").path("k").asText()).isEqualTo("v");

        V1.ConfigMap withUnknown = cm.toBuilder().setMetadata(ObjectMeta.newBuilder().setName("raw-cm2"))
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(42, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        HttpResponse<String> refused = http.send(post(envelope(withUnknown.toByteString())),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode status = JSON.readTree(refused.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("message").asText()).contains("[42]").contains("k8s.io.api.core.v1.ConfigMap");
        assertThat(k.exits(1, "get", "configmap/raw-cm2").stderr()).contains("NotFound");
        verified("(raw HTTP) a protobuf POST with Accept protobuf,json gets JSON; an unknown field gets 400");
    }

    private static byte[] envelope(ByteString raw) {
        Unknown unknown = Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
                .setRaw(raw).build();
        return ByteString.copyFrom(new byte[] {'k', '8', 's', 0}).concat(unknown.toByteString()).toByteArray();
    }

    private static HttpRequest post(byte[] body) {
        return HttpRequest.newBuilder(URI.create(k.cluster.url() + "/api/v1/namespaces/default/configmaps"))
                .header("Content-Type", "application/vnd.kubernetes.protobuf")
                .header("Accept", "application/vnd.kubernetes.protobuf,application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
