package io.coxswain.tests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.LocalCoxswain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ServiceAccounts on a real all-in-one ({@code ./coxswain up}) with real kubectl: the default account and
 * kube-root-ca.crt in a new namespace, {@code kubectl create token} (claims as kube writes them, audiences, durations,
 * a pod-bound token that dies with its pod), the token logging in ({@code auth whoami}) and RBAC applying to it
 * ({@code auth can-i --as system:serviceaccount:…}), the issuer's OIDC documents, and a pod on Docker calling the API
 * over HTTPS at {@code $KUBERNETES_SERVICE_HOST} (kube-proxy's DNAT to the loopback apiserver) with the cluster CA from
 * kube-root-ca.crt: 200 for what its Role allows, 403 for the rest. The pod's client is curl in a local image made
 * from the host's own binary ({@code coxswain/curl:1}), as busybox's wget has no usable TLS.
 */
class ServiceAccountTokenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CURL_IMAGE = "coxswain/curl:1";

    @TempDir
    static Path dir;
    private static LocalCoxswain coxswain;
    private static Kubectl kubectl;
    private static final String NS = "sa-" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void up() throws Exception {
        curlImage(dir.resolve("curl-image"));
        coxswain = LocalCoxswain.up(dir.resolve("data"), "sa-" + UUID.randomUUID().toString().substring(0, 6), Duration.ofMinutes(5));
        kubectl = new Kubectl(coxswain.kubeconfig(), dir);
        ok("create", "namespace", NS);
        ok("-n", NS, "create", "serviceaccount", "reader");
        ok("-n", NS, "create", "role", "pod-reader", "--verb=get,list", "--resource=pods");
        ok("-n", NS, "create", "rolebinding", "reader-reads-pods", "--role=pod-reader", "--serviceaccount=" + NS + ":reader");
    }

    @AfterAll
    static void down() throws Exception {
        if (coxswain != null) {
            coxswain.close();
        }
        // the kubelet's tmpfs volumes that outlive a stopped all-in-one (projected, secret): unmounted, so nothing stays behind
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String mountPoint = line.split(" ")[1];
            if (mountPoint.startsWith(dir.toString() + "/")) {
                run("umount", "-l", mountPoint);
            }
        }
    }

    @Test
    void everyNamespaceGetsTheDefaultAccountAndTheRootCa() throws Exception {
        await(() -> run(kubectl, "-n", NS, "get", "serviceaccount", "default").exitCode() == 0, "the default ServiceAccount in " + NS);
        await(() -> run(kubectl, "-n", NS, "get", "configmap", "kube-root-ca.crt").exitCode() == 0, "kube-root-ca.crt in " + NS);
        String ca = ok("-n", NS, "get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}");
        assertThat(ca.strip()).isEqualTo(Files.readString(coxswain.data.resolve("pki/ca.crt")).strip());
        // deleted, it comes back with another uid
        String uid = ok("-n", NS, "get", "sa", "default", "-o", "jsonpath={.metadata.uid}");
        ok("-n", NS, "delete", "sa", "default");
        await(() -> {
            var r = run(kubectl, "-n", NS, "get", "sa", "default", "-o", "jsonpath={.metadata.uid}");
            return r.exitCode() == 0 && !r.out().isBlank() && !r.out().equals(uid);
        }, "the default ServiceAccount made again");
        assertThat(ok("get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].addresses[0].ip} {.subsets[0].ports[0].name}"))
                .isEqualTo("127.0.0.1 https");
        System.out.println("verified: default ServiceAccount and kube-root-ca.crt in a new namespace; kubernetes Endpoints");
    }

    @Test
    void kubectlCreateTokenLogsInAndRbacAppliesToIt() throws Exception {
        String token = ok("-n", NS, "create", "token", "reader", "--duration", "15m").strip();
        JsonNode claims = claims(token);
        assertThat(claims.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:" + NS + ":reader");
        assertThat(claims.path("aud").toString()).isEqualTo("[\"https://kubernetes.default.svc.cluster.local\"]");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(900);
        assertThat(claims.path("kubernetes.io").path("serviceaccount").path("uid").asText())
                .isEqualTo(ok("-n", NS, "get", "sa", "reader", "-o", "jsonpath={.metadata.uid}"));

        Kubectl asReader = asToken(token);
        String whoami = run(asReader, "auth", "whoami").out();
        assertThat(whoami).contains("system:serviceaccount:" + NS + ":reader").contains("system:serviceaccounts:" + NS)
                .contains("authentication.kubernetes.io/credential-id");
        assertThat(run(asReader, "-n", NS, "get", "pods").exitCode()).isZero();
        Kubectl.Result secrets = run(asReader, "-n", NS, "get", "secrets");
        assertThat(secrets.stderr()).contains("User \"system:serviceaccount:" + NS + ":reader\" cannot list resource \"secrets\"");
        assertThat(ok("auth", "can-i", "list", "pods", "-n", NS, "--as", "system:serviceaccount:" + NS + ":reader").strip()).isEqualTo("yes");
        assertThat(run(kubectl, "auth", "can-i", "list", "secrets", "-n", NS, "--as", "system:serviceaccount:" + NS + ":reader").out().strip())
                .isEqualTo("no");
        // the issuer's public keys, for service accounts (system:service-account-issuer-discovery)
        JsonNode jwks = JSON.readTree(run(asReader, "get", "--raw", "/openid/v1/jwks").out());
        assertThat(jwks.path("keys").get(0).path("kid").asText()).isEqualTo(header(token).path("kid").asText());

        // another audience is not the API's; too short a duration is refused as kube does
        assertThat(run(asToken(ok("-n", NS, "create", "token", "reader", "--audience", "vault").strip()), "auth", "whoami").stderr())
                .contains("Unauthorized");
        assertThat(run(kubectl, "-n", NS, "create", "token", "reader", "--duration", "5m").stderr())
                .contains("may not specify a duration less than 10 minutes");
        assertThat(run(kubectl, "-n", NS, "create", "token", "ghost").stderr()).contains("serviceaccounts \"ghost\" not found");
        System.out.println("verified: kubectl create token, auth whoami with it, auth can-i --as system:serviceaccount");
    }

    @Test
    void aLegacyTokenSecretIsFilledInAndLogsInUntilItsAccountGoes() throws Exception {
        ok("-n", NS, "create", "serviceaccount", "legacy");
        input(kubectl, """
                apiVersion: v1
                kind: Secret
                metadata: {name: legacy-token, annotations: {kubernetes.io/service-account.name: legacy}}
                type: kubernetes.io/service-account-token
                """, "-n", NS, "apply", "-f", "-");
        await(() -> !run(kubectl, "-n", NS, "get", "secret", "legacy-token", "-o", "jsonpath={.data.token}").out().isBlank(),
                "the token controller filling legacy-token");
        String token = new String(Base64.getDecoder().decode(ok("-n", NS, "get", "secret", "legacy-token", "-o",
                "jsonpath={.data.token}")), StandardCharsets.UTF_8);
        assertThat(claims(token).path("iss").asText()).isEqualTo("kubernetes/serviceaccount");
        assertThat(new String(Base64.getDecoder().decode(ok("-n", NS, "get", "secret", "legacy-token", "-o",
                "jsonpath={.data.namespace}")), StandardCharsets.UTF_8)).isEqualTo(NS);
        Kubectl asLegacy = asToken(token);
        assertThat(run(asLegacy, "auth", "whoami").out()).contains("system:serviceaccount:" + NS + ":legacy");
        ok("-n", NS, "delete", "serviceaccount", "legacy");
        await(() -> run(kubectl, "-n", NS, "get", "secret", "legacy-token").exitCode() != 0, "legacy-token deleted with its account");
        await(() -> run(asLegacy, "auth", "whoami").stderr().contains("Unauthorized"), "the legacy token refused");
        System.out.println("verified: a kubernetes.io/service-account-token Secret filled in by the tokens controller");
    }

    @Test
    void aPodBoundTokenDiesWithItsPod() throws Exception {
        input(kubectl, """
                apiVersion: v1
                kind: Pod
                metadata: {name: holder}
                spec:
                  serviceAccountName: reader
                  automountServiceAccountToken: false
                  nodeName: no-such-node
                  containers: [{name: main, image: coxswain/busybox:1}]
                """, "-n", NS, "apply", "-f", "-");
        String token = ok("-n", NS, "create", "token", "reader", "--bound-object-kind", "Pod", "--bound-object-name", "holder").strip();
        JsonNode pod = claims(token).path("kubernetes.io").path("pod");
        assertThat(pod.path("name").asText()).isEqualTo("holder");
        Kubectl asReader = asToken(token);
        assertThat(run(asReader, "auth", "whoami").out()).contains("authentication.kubernetes.io/pod-name").contains("holder");
        ok("-n", NS, "delete", "pod", "holder", "--grace-period=0", "--force");
        await(() -> run(asReader, "auth", "whoami").stderr().contains("Unauthorized"), "the token refused once its pod is gone");
        System.out.println("verified: kubectl create token --bound-object-kind Pod");
    }

    @Test
    void aPodCallsTheApiWithItsToken() throws Exception {
        // the token from kubectl create token, handed to the pod in its environment
        String token = ok("-n", NS, "create", "token", "reader").strip();
        input(kubectl, """
                apiVersion: v1
                kind: Pod
                metadata: {name: caller}
                spec:
                  serviceAccountName: reader
                  automountServiceAccountToken: false
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: IMAGE
                    imagePullPolicy: Never
                    env: [{name: TOKEN, value: "TOKEN_VALUE"}]
                    command: [sh, -c, 'for p in pods secrets; do echo "$p $(curl -sS -o /dev/null -w %{http_code} --cacert /ca/ca.crt -H "Authorization: Bearer $TOKEN" https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/NS/$p)"; done; echo done; exec sleep 3600']
                    volumeMounts: [{name: ca, mountPath: /ca}]
                  volumes: [{name: ca, configMap: {name: kube-root-ca.crt}}]
                """.replace("IMAGE", CURL_IMAGE).replace("NS", NS).replace("TOKEN_VALUE", token), "-n", NS, "apply", "-f", "-");
        await(() -> run(kubectl, "-n", NS, "logs", "caller").out().contains("done"), "the caller pod's answers");
        String logs = run(kubectl, "-n", NS, "logs", "caller").out();
        assertThat(logs).contains("pods 200").contains("secrets 403");
        System.out.println("verified: a pod calls https://$KUBERNETES_SERVICE_HOST with a service account token:\n" + logs);
    }

    @Test
    void aPodCallsTheApiWithItsMountedToken() throws Exception {
        // the ServiceAccount admission mounts kube-api-access-xxxxx; the kubelet writes token, ca.crt and namespace
        input(kubectl, """
                apiVersion: v1
                kind: Pod
                metadata: {name: mounted}
                spec:
                  serviceAccountName: reader
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: IMAGE
                    imagePullPolicy: Never
                    command: [sh, -c, 'D=/var/run/secrets/kubernetes.io/serviceaccount; echo "namespace $(cat $D/namespace)"; for p in pods secrets; do echo "$p $(curl -sS -o /dev/null -w %{http_code} --cacert $D/ca.crt -H "Authorization: Bearer $(cat $D/token)" https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$(cat $D/namespace)/$p)"; done; echo done; exec sleep 3600']
                """.replace("IMAGE", CURL_IMAGE), "-n", NS, "apply", "-f", "-");
        String volume = ok("-n", NS, "get", "pod", "mounted", "-o", "jsonpath={.spec.volumes[0].name} {.spec.containers[0].volumeMounts[0].mountPath}");
        assertThat(volume).matches("kube-api-access-[a-z0-9]{5} /var/run/secrets/kubernetes.io/serviceaccount");
        await(() -> run(kubectl, "-n", NS, "logs", "mounted").out().contains("done"), "the mounted pod's answers");
        String logs = run(kubectl, "-n", NS, "logs", "mounted").out();
        assertThat(logs).contains("namespace " + NS).contains("pods 200").contains("secrets 403");
        // automountServiceAccountToken: false on the account keeps the token out
        input(kubectl, """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: quiet}
                automountServiceAccountToken: false
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: quiet}
                spec:
                  serviceAccountName: quiet
                  containers: [{name: main, image: coxswain/busybox:1, command: [sleep, '3600']}]
                """, "-n", NS, "apply", "-f", "-");
        assertThat(ok("-n", NS, "get", "pod", "quiet", "-o", "jsonpath={.spec.volumes}")).isEmpty();
        System.out.println("verified: a pod calls the API with its mounted token (kube-api-access projected volume):\n" + logs);
    }

    /** A kubeconfig with only this bearer token, the cluster's CA and its server. */
    private static Kubectl asToken(String token) throws IOException {
        Path config = Files.createTempFile(dir, "token", ".kubeconfig");
        Files.writeString(config, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://%s", certificate-authority: "%s"}}]
                users: [{name: u, user: {token: "%s"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                """.formatted(coxswain.listen, coxswain.data.resolve("pki/ca.crt"), token));
        return new Kubectl(config, dir);
    }

    private static Kubectl.Result run(Kubectl k, String... args) throws IOException, InterruptedException {
        return k.run(null, args);
    }

    private static Kubectl.Result input(Kubectl k, String stdin, String... args) throws IOException, InterruptedException {
        return k.run(stdin, args);
    }

    private static JsonNode claims(String token) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    private static JsonNode header(String token) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    }

    private static String ok(String... args) throws IOException, InterruptedException {
        Kubectl.Result r = run(kubectl, args);
        assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r.out();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!check.holds()) {
            assertThat(Instant.now()).as("waited 60 s for %s", what).isBefore(deadline);
            Thread.sleep(250);
        }
    }

    /**
     * {@code coxswain/curl:1} when the engine lacks it: busybox, the host's /usr/bin/curl and the shared libraries ldd
     * names, imported as an image (no registry is reached).
     */
    static void curlImage(Path work) throws IOException, InterruptedException {
        if (run("docker", "image", "inspect", CURL_IMAGE) == 0) {
            return;
        }
        Files.createDirectories(work);
        String script = """
                set -e
                mkdir -p bin etc
                cp /bin/busybox bin/
                for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox bin/$a; done
                cp /usr/bin/curl bin/curl
                for lib in $(ldd /usr/bin/curl | grep -o '/[^ ]*'); do cp -L --parents "$lib" . ; done
                echo 'root:x:0:0:root:/:/bin/sh' > etc/passwd
                tar -c . | docker import -c 'ENV PATH=/bin' - %s
                """.formatted(CURL_IMAGE);
        Process p = new ProcessBuilder("sh", "-c", script).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("building %s:\n%s", CURL_IMAGE, out).isZero();
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }
}
