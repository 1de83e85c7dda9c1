package io.coxswain.tests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.client.bootstrap.DetachedJws;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.JarProcess;
import io.coxswain.tests.cluster.JarProcess.Run;
import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bootstrap tokens on the cluster side, with the built jar (apiserver, controller-manager, {@code coxswain token}),
 * real kubectl, openssl and curl: {@code token create} prints a join command whose CA pin openssl agrees with; the
 * token authenticates as system:bootstrap:&lt;id&gt; and may only do what kubeadm's bindings allow; its node CSR is
 * auto-approved and signed; a wrong secret, an unknown id and an expired token get 401 and the apiserver's log says
 * why without the secret; cluster-info is readable without credentials and its jws-kubeconfig-&lt;id&gt; verifies with
 * the token; {@code token list} shows the TTL; {@code token delete} revokes at once and the signature goes; tokencleaner
 * deletes expired tokens; bad input gets a message and a non-zero exit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapTokenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JOIN = Pattern.compile(
            "coxswain node --server (https://\\S+) --token ([a-z0-9]{6}\\.[a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})");

    @TempDir
    static Path dir;
    private static ApiServerProcess api;
    private static Process controllerManager;
    private static Kubectl admin;
    private static BootstrapToken token;

    @BeforeAll
    static void start() throws Exception {
        assertThat(ApiServerProcess.jar()).as("the launcher jar is built before the tests module").exists();
        api = ApiServerProcess.start(dir.resolve("api"));
        admin = new Kubectl(api.kubeconfig(), dir.resolve("admin"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (controllerManager != null) {
            controllerManager.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    @Order(1)
    void createPrintsTheJoinCommandAndTheTokenAuthenticatesAsItsBootstrapUser() throws Exception {
        Run created = coxswain("token", "create", "--kubeconfig", api.kubeconfig().toString(), "--ttl", "2h",
                "--description", "for worker-1", "--groups", "system:bootstrappers:workers");
        assertThat(created.exit()).as(created.err()).isZero();
        Matcher join = JOIN.matcher(created.out().strip());
        assertThat(join.matches()).as(created.out()).isTrue();
        assertThat(join.group(1)).isEqualTo(api.url());
        token = BootstrapToken.parse(join.group(2));
        // kubeadm's documented way to compute the pin, with openssl
        assertThat(join.group(3)).isEqualTo("sha256:" + sh("openssl x509 -pubkey -noout -in " + ca()
                + " | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex | sed 's/^.* //'").strip());
        System.out.println("verified: coxswain token create printed " + created.out().strip().replace(token.secret(), "<secret>")
                + "; the CA pin matches openssl's");

        Kubectl joiner = as(token.toString(), "joiner");
        Kubectl.Result whoami = kc(joiner, "auth", "whoami");
        assertThat(whoami.exitCode()).as(whoami.stderr()).isZero();
        assertThat(whoami.stdout()).containsPattern("Username\\s+system:bootstrap:" + token.id())
                .contains("system:bootstrappers:workers").contains("system:bootstrappers").contains("system:authenticated");
        Kubectl.Result pods = kc(joiner, "get", "pods", "-A");
        assertThat(pods.exitCode()).isEqualTo(1);
        assertThat(pods.stderr()).contains("pods is forbidden: User \"system:bootstrap:" + token.id() + "\" cannot list resource \"pods\"");
        Kubectl.Result secrets = kc(joiner, "get", "secret", "-n", "kube-system", token.secretName());
        assertThat(secrets.stderr()).contains("forbidden");
        System.out.println("verified: kubectl --token auth whoami\n" + whoami.stdout() + "verified: and it may not list pods or read Secrets");
    }

    @Test
    @Order(2)
    void wrongSecretUnknownIdAndExpiredTokensGet401AndTheLogSaysWhy() throws Exception {
        String wrong = token.id() + ".ffffffffffffffff";
        assertThat(status("/api", wrong)).isEqualTo(401);
        assertThat(status("/api", "zzzzzz.0123456789abcdef")).isEqualTo(401);
        // an expired one, written as kubeadm would (the controller-manager that would delete it does not run yet)
        kc(admin, "create", "secret", "generic", "bootstrap-token-exp123", "-n", "kube-system", "--type=bootstrap.kubernetes.io/token",
                "--from-literal=token-id=exp123", "--from-literal=token-secret=0123456789abcdef",
                "--from-literal=expiration=2020-01-01T00:00:00Z", "--from-literal=usage-bootstrap-authentication=true");
        assertThat(eventually(() -> status("/api", "exp123.0123456789abcdef") == 401 && log().contains("exp123 refused: expired"),
                Duration.ofSeconds(10))).as(log()).isTrue();
        Kubectl.Result refused = kc(as(wrong, "wrong"), "get", "--raw", "/api");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("Unauthorized");
        String log = log();
        assertThat(log).contains("bootstrap token " + token.id() + " refused: wrong secret")
                .contains("bootstrap token zzzzzz refused: unknown token id")
                .contains("bootstrap token exp123 refused: expired: its expiration is 2020-01-01T00:00:00Z")
                .doesNotContain("ffffffffffffffff").doesNotContain(token.secret());
        System.out.println("verified: wrong secret, unknown id and expired token: 401; the apiserver logged\n"
                + String.join("\n", log.lines().filter(l -> l.contains("refused:")).limit(3).toList()));
    }

    @Test
    @Order(3)
    void theBootstrappersNodeCsrIsApprovedAndSigned() throws Exception {
        startControllerManager();
        Path key = dir.resolve("joiner.key");
        Path csr = dir.resolve("joiner.csr");
        assertThat(sh("openssl req -new -newkey rsa:2048 -nodes -keyout " + key + " -subj /O=system:nodes/CN=system:node:joiner -out "
                + csr + " 2>&1 && echo ok")).contains("ok");
        String request = Base64.getEncoder().encodeToString(Files.readAllBytes(csr));
        Kubectl.Result create = kin(as(token.toString(), "joiner"), """
                apiVersion: certificates.k8s.io/v1
                kind: CertificateSigningRequest
                metadata: {name: node-csr-joiner}
                spec:
                  request: %s
                  signerName: kubernetes.io/kube-apiserver-client-kubelet
                  usages: [digital signature, key encipherment, client auth]
                """.formatted(request), "create", "-f", "-");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        assertThat(eventually(() -> !jsonpath("csr/node-csr-joiner", "{.status.certificate}").isEmpty(), Duration.ofSeconds(60)))
                .as(controllerManagerLog()).isTrue();
        assertThat(jsonpath("csr/node-csr-joiner", "{.spec.username} {.status.conditions[0].reason}"))
                .isEqualTo("system:bootstrap:" + token.id() + " AutoApproved");
        // the node it made may not read the join tokens: no Secret is referenced by its pods
        Path crt = dir.resolve("joiner.crt");
        Files.write(crt, Base64.getDecoder().decode(jsonpath("csr/node-csr-joiner", "{.status.certificate}")));
        Path nodeConfig = dir.resolve("node.kubeconfig");
        Files.writeString(nodeConfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: u
                  user: {client-certificate: "%s", client-key: "%s"}
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(api.url(), ca(), crt, key));
        Kubectl node = new Kubectl(nodeConfig, dir.resolve("node"));
        Kubectl.Result whoami = kc(node, "auth", "whoami");
        assertThat(whoami.stdout()).containsPattern("Username\\s+system:node:joiner");
        Kubectl.Result secrets = kc(node, "get", "secrets", "-n", "kube-system");
        assertThat(secrets.exitCode()).isEqualTo(1);
        assertThat(secrets.stderr()).contains("secrets is forbidden: User \"system:node:joiner\" cannot list resource \"secrets\"")
                .contains("No Object name found");
        // nor one Secret by name: no pod of the node references the join tokens (kube's Node authorizer)
        Kubectl.Result one = kc(node, "get", "secret", "-n", "kube-system", "bootstrap-token-exp123");
        assertThat(one.stderr()).contains("no relationship found between node 'joiner' and this object");
        System.out.println("verified: the bootstrap token's node CSR was auto-approved and signed; the node it names logs in and "
                + "may not read Secrets: " + secrets.stderr().strip());
    }

    @Test
    @Order(4)
    void clusterInfoIsPublicAndSignedForTheToken() throws Exception {
        String url = api.url() + "/api/v1/namespaces/kube-public/configmaps/cluster-info";
        assertThat(eventually(() -> curl(url).contains(BootstrapToken.JWS_KEY_PREFIX + token.id()), Duration.ofSeconds(30)))
                .as(controllerManagerLog()).isTrue();
        JsonNode cm = JSON.readTree(curl(url));
        String kubeconfig = cm.path("data").path("kubeconfig").asText();
        assertThat(kubeconfig).contains("server: " + api.url()).contains("certificate-authority-data: ")
                .doesNotContain("token").doesNotContain("client-key");
        String jws = cm.path("data").path(BootstrapToken.JWS_KEY_PREFIX + token.id()).asText();
        assertThat(DetachedJws.verify(jws, kubeconfig, token)).isTrue();
        assertThat(DetachedJws.verify(jws, kubeconfig, BootstrapToken.parse(token.id() + ".ffffffffffffffff"))).isFalse();
        // anonymous reaches cluster-info and nothing else
        assertThat(curlStatus(api.url() + "/api/v1/namespaces/kube-public/configmaps")).isEqualTo("401");
        assertThat(curlStatus(api.url() + "/api/v1/namespaces/kube-system/configmaps/cluster-info")).isEqualTo("401");
        System.out.println("verified: curl without credentials reads cluster-info; " + BootstrapToken.JWS_KEY_PREFIX + token.id()
                + " verifies with the token and not with another secret; other paths stay 401");
    }

    @Test
    @Order(5)
    void listShowsTheTokenWithItsTtl() throws Exception {
        Run list = coxswain("token", "list", "--kubeconfig", api.kubeconfig().toString());
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0).split("\\s{2,}")).containsExactly("TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS");
        assertThat(lines).anyMatch(l -> l.matches(Pattern.quote(token.toString())
                + "\\s+1h\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+authentication,signing\\s+for worker-1\\s+system:bootstrappers:workers"));
        System.out.println("verified: coxswain token list\n" + list.out().replace(token.secret(), "<secret>"));
    }

    @Test
    @Order(6)
    void deleteRevokesAtOnceAndTheSignatureGoes() throws Exception {
        Run deleted = coxswain("token", "delete", "--kubeconfig", api.kubeconfig().toString(), token.toString());
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out().strip()).isEqualTo("bootstrap token \"" + token.id() + "\" deleted");
        long start = System.nanoTime();
        assertThat(eventually(() -> status("/api", token.toString()) == 401, Duration.ofSeconds(2))).isTrue();
        long revokedMillis = (System.nanoTime() - start) / 1_000_000;
        String url = api.url() + "/api/v1/namespaces/kube-public/configmaps/cluster-info";
        assertThat(eventually(() -> !curl(url).contains(BootstrapToken.JWS_KEY_PREFIX + token.id()), Duration.ofSeconds(30))).isTrue();
        Run again = coxswain("token", "delete", "--kubeconfig", api.kubeconfig().toString(), token.id());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("bootstrap token \"" + token.id() + "\" not found");
        System.out.println("verified: coxswain token delete: 401 within " + revokedMillis + " ms, its jws-kubeconfig key removed");
    }

    @Test
    @Order(7)
    void tokenCleanerDeletesExpiredTokens() throws Exception {
        // the one written expired before the controller-manager ran
        assertThat(eventually(() -> !kc(admin, "get", "secret", "-n", "kube-system", "bootstrap-token-exp123").stdout().contains("exp123"),
                Duration.ofSeconds(30))).isTrue();
        Run created = coxswain("token", "create", "--kubeconfig", api.kubeconfig().toString(), "--ttl", "10s");
        assertThat(created.exit()).as(created.err()).isZero();
        Matcher join = JOIN.matcher(created.out().strip());
        assertThat(join.matches()).isTrue();
        BootstrapToken shortLived = BootstrapToken.parse(join.group(2));
        assertThat(status("/api", shortLived.toString())).isNotEqualTo(401);
        long start = System.nanoTime();
        assertThat(eventually(() -> kc(admin, "get", "secret", "-n", "kube-system", shortLived.secretName()).exitCode() != 0,
                Duration.ofSeconds(30))).as(controllerManagerLog()).isTrue();
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertThat(status("/api", shortLived.toString())).isEqualTo(401);
        assertThat(controllerManagerLog()).contains("tokencleaner: deleted expired bootstrap token kube-system/" + shortLived.secretName());
        System.out.println("verified: tokencleaner deleted a --ttl 10s token " + seconds + " s after it authenticated, and the one "
                + "that had expired before it ran");
    }

    @Test
    @Order(8)
    void badInputGetsAClearMessageAndANonZeroExit() throws Exception {
        String kc = api.kubeconfig().toString();
        Run usage = coxswain("token", "create", "--kubeconfig", kc, "--usages", "signing,flying");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("unknown usage \"flying\" in --usages");
        Run group = coxswain("token", "create", "--kubeconfig", kc, "--groups", "system:masters");
        assertThat(group.exit()).isEqualTo(2);
        assertThat(group.err()).contains("group \"system:masters\" in --groups must match");
        Run ttl = coxswain("token", "create", "--kubeconfig", kc, "--ttl", "soon");
        assertThat(ttl.exit()).isEqualTo(2);
        assertThat(ttl.err()).contains("not a duration");
        Run server = coxswain("token", "create", "--kubeconfig", kc, "--server", "http://10.0.0.1:6443");
        assertThat(server.exit()).isEqualTo(2);
        assertThat(server.err()).contains("--server must be an https:// URL");
        Run id = coxswain("token", "delete", "--kubeconfig", kc, "NOT-A-TOKEN");
        assertThat(id.exit()).isEqualTo(2);
        assertThat(id.err()).contains("is neither a token id");
        Run missing = coxswain("token", "list", "--kubeconfig", dir.resolve("nowhere.kubeconfig").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read the kubeconfig");
        assertThat(coxswain("token", "list", "--kubeconfig", kc).out()).doesNotContain("flying");
        System.out.println("verified: " + usage.err().strip() + " | " + group.err().strip() + " | " + id.err().strip());
    }

    @Test
    @Order(9)
    void serverRepointsClusterInfoAndItIsSignedAgain() throws Exception {
        // the serving certificate covers localhost: an address other than the kubeconfig's, as another machine would use
        String other = api.url().replace("127.0.0.1", "localhost");
        Run created = coxswain("token", "create", "--kubeconfig", api.kubeconfig().toString(), "--server", other);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).contains("updated kube-public/cluster-info to server " + other);
        Matcher join = JOIN.matcher(created.out().strip());
        assertThat(join.matches()).isTrue();
        assertThat(join.group(1)).isEqualTo(other);
        BootstrapToken second = BootstrapToken.parse(join.group(2));
        String url = other + "/api/v1/namespaces/kube-public/configmaps/cluster-info";
        assertThat(eventually(() -> {
            JsonNode data = JSON.readTree(curl(url)).path("data");
            return data.path("kubeconfig").asText().contains("server: " + other)
                    && DetachedJws.verify(data.path(BootstrapToken.JWS_KEY_PREFIX + second.id()).asText(null), data.path("kubeconfig").asText(), second);
        }, Duration.ofSeconds(30))).as(controllerManagerLog()).isTrue();
        System.out.println("verified: token create --server " + other + " repointed cluster-info, and bootstrapsigner signed the new content");
    }

    @Test
    @Order(10)
    void withTheFlagOffBootstrapTokensAreNotAuthenticated() throws Exception {
        try (ApiServerProcess off = ApiServerProcess.start(dir.resolve("off"), "--enable-bootstrap-token-auth=false")) {
            Run created = coxswain("token", "create", "--kubeconfig", off.kubeconfig().toString());
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(created.err()).contains("is a loopback address");
            Matcher join = JOIN.matcher(created.out().strip());
            assertThat(join.matches()).isTrue();
            Thread.sleep(500);
            String code = sh("curl -s -o /dev/null -w '%{http_code}' --cacert " + dir.resolve("off/data/pki/ca.crt")
                    + " -H 'Authorization: Bearer " + join.group(2) + "' " + off.url() + "/api").strip();
            assertThat(code).isEqualTo("401");
        }
        System.out.println("verified: apiserver --enable-bootstrap-token-auth=false: a valid bootstrap token gets 401");
    }

    // ---- helpers ----


    private static Kubectl.Result kc(Kubectl k, String... args) throws IOException, InterruptedException {
        return k.run((String) null, args);
    }

    private static Kubectl.Result kin(Kubectl k, String stdin, String... args) throws IOException, InterruptedException {
        return k.run(stdin, args);
    }

    private static Run coxswain(String... args) throws IOException, InterruptedException {
        return JarProcess.run(dir, args);
    }

    private static void startControllerManager() throws IOException {
        if (controllerManager != null) {
            return;
        }
        Path pki = dir.resolve("api/data/pki");
        controllerManager = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ApiServerProcess.jar().toString(), "controller-manager", "--kubeconfig", api.kubeconfig().toString(),
                "--metrics-bind-address", "127.0.0.1:0", "--cluster-signing-cert-file", pki.resolve("ca.crt").toString(),
                "--cluster-signing-key-file", pki.resolve("ca.key").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("controller-manager.log").toFile()).start();
    }

    private static String controllerManagerLog() {
        try {
            return Files.readString(dir.resolve("controller-manager.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String log() {
        try {
            return Files.readString(dir.resolve("api/apiserver.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Path ca() {
        return dir.resolve("api/data/pki/ca.crt");
    }

    /** kubectl as a bearer token, trusting the cluster CA, with no other credential. */
    private static Kubectl as(String bearer, String name) throws IOException {
        Path file = dir.resolve(name + ".kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: u
                  user: {token: "%s"}
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(api.url(), ca(), bearer));
        return new Kubectl(file, dir.resolve(name));
    }

    /** The HTTP status of a GET with this bearer token, through curl trusting the cluster CA. */
    private static int status(String path, String bearer) {
        try {
            return Integer.parseInt(sh("curl -s -o /dev/null -w '%{http_code}' --cacert " + ca() + " -H 'Authorization: Bearer "
                    + bearer + "' " + api.url() + path).strip());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A GET without credentials, trusting the cluster CA: the body. */
    private static String curl(String url) {
        try {
            return sh("curl -s --cacert " + ca() + " " + url);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String curlStatus(String url) throws Exception {
        return sh("curl -s -o /dev/null -w '%{http_code}' --cacert " + ca() + " " + url).strip();
    }

    private static String jsonpath(String resource, String path) {
        try {
            return kc(admin, "get", resource, "-o", "jsonpath=" + path).stdout();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static boolean eventually(CheckedCondition condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return condition.get();
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean get() throws Exception;
    }
}
