package io.coxswain.tests.kubelet;

import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.coxswain.tests.cluster.DockerNode.docker;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets in real Docker pods, as the kubelet gives them: env (secretKeyRef, envFrom with a prefix), secret volumes on
 * tmpfs with items and modes, updated in place when the Secret changes, CreateContainerConfigError until the Secret
 * and its key exist, and a projected volume of downwardAPI, configMap and secret sources. The kubelet reads as
 * system:node:NAME: every Secret and ConfigMap it watches passes the Node authorizer.
 */
@DockerNodeSuite.KubeletAsNode
class KubeletSecretsTest extends DockerNodeSuite {

    @Test
    void aNodeReadsTheSecretsOfItsOwnPodsOnly() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: mine}
                stringData: {k: v}
                """);
        node.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: not-mine}
                stringData: {k: v}
                """);
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: reader}
                spec:
                  nodeName: NODE
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sh, -c, 'echo "K=$K"; exec sleep 3600']
                    env:
                    - name: K
                      valueFrom: {secretKeyRef: {name: mine, key: k}}
                """);
        assertThat(node.waitForLog("reader", "main", "K=")).isEqualTo("K=v");
        Kubectl asNode = new Kubectl(node.cluster.nodeKubeconfig(node.nodeName), java.nio.file.Files.createDirectories(dir.resolve("as-node")));
        Kubectl.Result own = asNode.run(new String[] {"get", "secret", "mine", "-o", "jsonpath={.data.k}"});
        assertThat(own.exitCode()).as(own.stderr()).isZero();
        assertThat(own.stdout()).isEqualTo("dg==");
        Kubectl.Result other = asNode.run(new String[] {"get", "secret", "not-mine"});
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.stderr()).contains("secrets \"not-mine\" is forbidden: User \"system:node:" + node.nodeName
                + "\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\": no relationship found between node '"
                + node.nodeName + "' and this object");
        Kubectl.Result all = asNode.run(new String[] {"get", "secrets"});
        assertThat(all.stderr()).contains("cannot list resource \"secrets\"");
        // another node gets nothing of this node's pods
        Kubectl stranger = new Kubectl(node.cluster.nodeKubeconfig("kvol-stranger"), java.nio.file.Files.createDirectories(dir.resolve("stranger")));
        assertThat(stranger.run(new String[] {"get", "secret", "mine"}).stderr())
                .contains("no relationship found between node 'kvol-stranger' and this object");
    }

    @Test
    void secretKeyRefAndEnvFromReachTheProcess() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                stringData: {user: admin, password: s3cr3t}
                """);
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: env-secret}
                spec:
                  nodeName: NODE
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sh, -c, 'echo "PW=$PW DB_user=$DB_user DB_password=$DB_password GONE=${GONE:-unset}"; exec sleep 3600']
                    env:
                    - name: PW
                      valueFrom: {secretKeyRef: {name: db, key: password}}
                    - name: GONE
                      valueFrom: {secretKeyRef: {name: nowhere, key: x, optional: true}}
                    envFrom:
                    - {prefix: DB_, secretRef: {name: db}}
                    - {secretRef: {name: absent, optional: true}}
                """);
        assertThat(node.waitForLog("env-secret", "main", "PW="))
                .isEqualTo("PW=s3cr3t DB_user=admin DB_password=s3cr3t GONE=unset");
    }

    @Test
    void aSecretVolumeIsTmpfsHonoursItemsAndModesAndFollowsTheSecret() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: tls-ish}
                stringData: {cert: CERT-1, key: KEY-1, unused: x}
                """);
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: vol-secret}
                spec:
                  nodeName: NODE
                  volumes:
                  - name: creds
                    secret:
                      secretName: tls-ish
                      defaultMode: 0440
                      items:
                      - {key: cert, path: tls/cert.pem}
                      - {key: key, path: tls/key.pem, mode: 0400}
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sleep, '3600']
                    volumeMounts: [{name: creds, mountPath: /etc/creds}]
                """);
        String id = containerId(node.waitFor("vol-secret", Duration.ofSeconds(60), DockerNode::running));
        assertThat(docker("exec", id, "cat", "/etc/creds/tls/cert.pem")).isEqualTo("CERT-1");
        assertThat(docker("exec", id, "stat", "-L", "-c", "%a", "/etc/creds/tls/cert.pem", "/etc/creds/tls/key.pem"))
                .isEqualTo("440\n400");
        assertThat(docker("exec", id, "ls", "/etc/creds")).isEqualTo("tls");
        // its own tmpfs, read-only in the container, as kube mounts Secrets
        assertThat(docker("exec", id, "grep", " /etc/creds ", "/proc/mounts")).startsWith("tmpfs /etc/creds tmpfs ro");
        assertThat(docker("exec", id, "readlink", "/etc/creds/..data")).startsWith("..20");

        long changed = System.nanoTime();
        node.client.secrets().inNamespace("default").withName("tls-ish")
                .edit(s -> new io.fabric8.kubernetes.api.model.SecretBuilder(s).withStringData(java.util.Map.of("cert", "CERT-2")).build());
        String seen = "";
        while (System.nanoTime() - changed < Duration.ofSeconds(30).toNanos() && !seen.equals("CERT-2")) {
            seen = docker("exec", id, "cat", "/etc/creds/tls/cert.pem");
            Thread.sleep(100);
        }
        assertThat(seen).as("the mounted file follows the Secret").isEqualTo("CERT-2");
        System.out.printf("secret update seen in the running container after %d ms%n", (System.nanoTime() - changed) / 1_000_000);
        Pod pod = node.pod("vol-secret");
        assertThat(containerId(pod)).as("the same container, updated in place").isEqualTo(id);

        // the pod's end unmounts its tmpfs
        node.client.pods().inNamespace("default").withName("vol-secret").withGracePeriod(0).delete();
        node.client.pods().inNamespace("default").withName("vol-secret").waitUntilCondition(java.util.Objects::isNull, 30, TimeUnit.SECONDS);
        String uid = pod.getMetadata().getUid();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && mounts().contains(uid)) {
            Thread.sleep(100);
        }
        assertThat(mounts()).doesNotContain(uid);
    }

    @Test
    void aMissingSecretOrKeyIsCreateContainerConfigErrorUntilItExists() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: waits}
                spec:
                  nodeName: NODE
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sh, -c, 'echo "TOKEN=$TOKEN"; exec sleep 3600']
                    env:
                    - name: TOKEN
                      valueFrom: {secretKeyRef: {name: late, key: token}}
                """);
        // the same Secret as a volume: kube's kubelet keeps such a pod ContainerCreating and says why in FailedMount events
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: waits-vol}
                spec:
                  nodeName: NODE
                  volumes: [{name: v, secret: {secretName: late, items: [{key: token, path: t}]}}]
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600'], volumeMounts: [{name: v, mountPath: /v}]}
                """);
        node.waitFor("waits", Duration.ofSeconds(60), waiting("CreateContainerConfigError", "secret \"late\" not found"));
        node.waitFor("waits-vol", Duration.ofSeconds(30), waiting("ContainerCreating", null));
        awaitEvent("waits-vol", "FailedMount", "MountVolume.SetUp failed for volume \"v\" : secret \"late\" not found");
        node.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: late}
                stringData: {other: x}
                """);
        node.waitFor("waits", Duration.ofSeconds(30),
                waiting("CreateContainerConfigError", "couldn't find key token in Secret default/late"));
        awaitEvent("waits-vol", "FailedMount", "MountVolume.SetUp failed for volume \"v\" : references non-existent secret key: token");
        node.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: late}
                stringData: {other: x, token: here-at-last}
                """);
        node.waitFor("waits", Duration.ofSeconds(30), DockerNode::running);
        assertThat(node.waitForLog("waits", "main", "TOKEN=")).isEqualTo("TOKEN=here-at-last");
        String id = containerId(node.waitFor("waits-vol", Duration.ofSeconds(30), DockerNode::running));
        assertThat(docker("exec", id, "cat", "/v/t")).isEqualTo("here-at-last");
    }

    @Test
    void aProjectedVolumeJoinsDownwardApiConfigMapSecretAndServiceAccountTokens() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: reader}
                """);
        node.apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app-conf}
                data: {mode: blue}
                """);
        node.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: app-key}
                stringData: {key: K}
                """);
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: projected, labels: {app: shop, tier: web}}
                spec:
                  nodeName: NODE
                  serviceAccountName: reader
                  volumes:
                  - name: all
                    projected:
                      defaultMode: 0444
                      sources:
                      - downwardAPI:
                          items:
                          - {path: name, fieldRef: {fieldPath: metadata.name}}
                          - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                          - {path: mem, resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}}
                      - configMap: {name: app-conf, items: [{key: mode, path: conf/mode}]}
                      - secret: {name: app-key, items: [{key: key, path: secret/key, mode: 0400}]}
                      - serviceAccountToken: {path: token, expirationSeconds: 600}
                      - serviceAccountToken: {path: vault/token, audience: vault}
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sleep, '3600']
                    resources: {limits: {memory: 32Mi}}
                    volumeMounts: [{name: all, mountPath: /etc/all}]
                """);
        String id = containerId(node.waitFor("projected", Duration.ofSeconds(60), DockerNode::running));
        assertThat(docker("exec", id, "cat", "/etc/all/name")).isEqualTo("projected");
        assertThat(docker("exec", id, "cat", "/etc/all/labels")).isEqualTo("app=\"shop\"\ntier=\"web\"");
        assertThat(docker("exec", id, "cat", "/etc/all/mem")).isEqualTo("32");
        assertThat(docker("exec", id, "cat", "/etc/all/conf/mode")).isEqualTo("blue");
        assertThat(docker("exec", id, "cat", "/etc/all/secret/key")).isEqualTo("K");
        assertThat(docker("exec", id, "stat", "-L", "-c", "%a", "/etc/all/name", "/etc/all/secret/key")).isEqualTo("444\n400");
        assertThat(docker("exec", id, "grep", " /etc/all ", "/proc/mounts")).startsWith("tmpfs /etc/all tmpfs ro");
        // the tokens come from the TokenRequest API, asked by the node for its own pod: the API knows who they are
        String token = docker("exec", id, "cat", "/etc/all/token");
        com.fasterxml.jackson.databind.JsonNode review = selfReview(token);
        assertThat(review.path("status").path("userInfo").path("username").asText()).isEqualTo("system:serviceaccount:default:reader");
        assertThat(review.path("status").path("userInfo").path("extra").path("authentication.kubernetes.io/pod-name").get(0).asText())
                .isEqualTo("projected");
        com.fasterxml.jackson.databind.JsonNode claims = claims(token);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(600);
        assertThat(claims(docker("exec", id, "cat", "/etc/all/vault/token")).path("aud").toString()).isEqualTo("[\"vault\"]");
        // a label change reaches the file, as the kubelet's resync of downward API volumes does
        node.client.pods().inNamespace("default").withName("projected").edit(p -> {
            p.getMetadata().getLabels().put("tier", "api");
            return p;
        });
        String labels = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !labels.contains("api")) {
            labels = docker("exec", id, "cat", "/etc/all/labels");
            Thread.sleep(100);
        }
        assertThat(labels).isEqualTo("app=\"shop\"\ntier=\"api\"");
    }

    /** A SelfSubjectReview made with the bearer token alone (TLS trusting the cluster CA, no client certificate). */
    private static com.fasterxml.jackson.databind.JsonNode selfReview(String token) throws Exception {
        java.nio.file.Path ca = dir.resolve("ca.crt");
        java.nio.file.Files.writeString(ca, node.cluster.pki().caPem());
        var http = java.net.http.HttpClient.newBuilder().sslContext(io.coxswain.tests.cluster.AdminHttp.trusting(ca)).build();
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.cluster.url()
                        + "/apis/authentication.k8s.io/v1/selfsubjectreviews"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    }

    private static com.fasterxml.jackson.databind.JsonNode claims(String jwt) throws java.io.IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static String mounts() throws java.io.IOException {
        return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/mounts"));
    }

    private static String containerId(Pod pod) {
        return pod.getStatus().getContainerStatuses().get(0).getContainerID().substring("docker://".length());
    }

    private static Predicate<Pod> waiting(String reason, String message) {
        return p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null && p.getStatus().getContainerStatuses().stream()
                .anyMatch(s -> {
                    ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
                    return w != null && reason.equals(w.getReason()) && java.util.Objects.equals(message, w.getMessage());
                });
    }

    private static void awaitEvent(String pod, String reason, String message) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        java.util.List<String> seen = java.util.List.of();
        while (System.nanoTime() < deadline) {
            seen = node.client.v1().events().inNamespace("default").list().getItems().stream()
                    .filter(e -> pod.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                    .map(io.fabric8.kubernetes.api.model.Event::getMessage).toList();
            if (seen.contains(message)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + reason + " event \"" + message + "\" for " + pod + "; seen: " + seen);
    }
}
