package io.coxswain.tests.security;

import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.LocalCoxswain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./coxswain up} as a new user runs it, with no flag, on a machine with more than one account: another local
 * user (nobody, through runuser) gets no data from plain HTTP on the API's port, 401 over TLS without credentials,
 * and cannot read the kubeconfig or the keys, which only the owner can. The kubelet's own API, with real kubectl and
 * Docker: {@code kubectl logs} and {@code -f} still work, now over HTTPS with the apiserver's client certificate; a
 * request straight to the kubelet's port without credentials is 401, with the token of a user RBAC does not allow
 * {@code nodes/proxy} 403 in the kubelet's words, with one it allows 200; and the TokenReview and SubjectAccessReview
 * the kubelet asks answer {@code kubectl create -f -o yaml} as kube-apiserver does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SecureByDefaultTest {

    private static final String NODE = "secure-default-" + java.util.UUID.randomUUID().toString().substring(0, 6);
    private static Path dir;
    private static LocalCoxswain cluster;
    private static Kubectl admin;
    private static HttpClient kubeletHttp;
    private static String kubelet;

    @BeforeAll
    static void up() throws Exception {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "secure-default-");
        // others may walk to the data directory, as to a home directory: only the files' own modes keep them out
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        cluster = LocalCoxswain.up(dir.resolve("data"), NODE, Duration.ofMinutes(5));
        admin = new Kubectl(cluster.kubeconfig(), dir.resolve("admin"));
        Kubectl.Result applied = withInput(admin, """
                apiVersion: v1
                kind: Pod
                metadata: {name: talker}
                spec:
                  containers:
                  - {name: counter, image: coxswain/busybox:1, command: [sh, -c, 'i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.3; done']}
                """, "apply", "-f", "-");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        Kubectl.Result ready = admin.run(new String[]{"wait", "--for=condition=Ready", "pod/talker", "--timeout=90s"});
        assertThat(ready.exitCode()).as(ready.stderr() + cluster.log()).isZero();
        String port = admin.run(new String[]{"get", "node", NODE, "-o", "jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}"})
                .stdout().strip();
        kubelet = "https://127.0.0.1:" + port;
        // trusting only the cluster CA: the all-in-one's kubelet serves a certificate the CA issued for 127.0.0.1
        kubeletHttp = HttpClient.newBuilder().sslContext(TeamModeTest.trusting(cluster.data.resolve("pki/ca.crt")))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(0)
    void anotherLocalUserGetsNoDataWithoutCredentialsAndCannotReadTheKubeconfigOrTheKeys() throws Exception {
        assertThat(cluster.server()).startsWith("https://127.0.0.1:");
        assertThat(Files.readString(cluster.kubeconfig())).contains("server: " + cluster.server(), "client-certificate-data:")
                .doesNotContain("insecure-skip-tls-verify");
        String port = cluster.listen.substring(cluster.listen.lastIndexOf(':') + 1);
        // plain curl, as the issue tried it: the port speaks only TLS, so nothing of the API comes back
        Shell plain = asNobody("curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + port + "/api");
        assertThat(plain.exit()).as(plain.toString()).isNotZero();
        assertThat(plain.out()).doesNotContain("APIVersions").doesNotContain("serverAddressByClientCIDRs");
        // over TLS (trusting anything, as curl -k does) with no credentials: 401, and a POST creates nothing
        Shell discovery = asNobody("curl", "-sk", "--max-time", "10", "-w", "\n%{http_code}", "https://127.0.0.1:" + port + "/api");
        assertThat(discovery.out()).endsWith("\n401").contains("\"reason\": \"Unauthorized\"").doesNotContain("APIVersions");
        Shell create = asNobody("curl", "-sk", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                "-H", "Content-Type: application/json", "-d", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"intruder\"}}",
                "https://127.0.0.1:" + port + "/api/v1/namespaces");
        assertThat(create.out()).isEqualTo("401");
        assertThat(admin.run(new String[]{"get", "namespace", "intruder"}).stderr()).contains("NotFound");
        // the files: 0600, in a data directory others may list
        assertThat(asNobody("ls", cluster.data.toString()).out()).contains("kubeconfig");
        for (Path secret : List.of(cluster.kubeconfig(), cluster.data.resolve("pki/ca.key"), cluster.data.resolve("pki/admin.key"),
                cluster.data.resolve("pki/server.key"))) {
            assertThat(Files.exists(secret)).as(secret + " exists").isTrue();
            Shell read = asNobody("cat", secret.toString());
            assertThat(read.exit()).as("nobody reads " + secret).isNotZero();
            assertThat(read.out()).contains("Permission denied").doesNotContain("PRIVATE KEY").doesNotContain("client-key-data");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cluster.kubeconfig())))
                .isEqualTo("rw-------");
        System.out.println("verified: after ./coxswain up, user nobody gets no data from plain http://127.0.0.1:" + port
                + "/api (curl exit " + plain.exit() + "), 401 over TLS for /api and for a POST of a Namespace, and Permission denied"
                + " for the kubeconfig, pki/ca.key, pki/admin.key and pki/server.key");
    }

    @Test
    @Order(10)
    void statusSaysWhatRunsAndThenThatNothingDoes() throws Exception {
        LocalCoxswain.Run status = cluster.status();
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("running, all-in-one pid " + cluster.pid(), "address:    " + cluster.server(),
                "kubeconfig: " + cluster.kubeconfig(), "API:        ready", "apiserver: running at " + cluster.server(),
                "scheduler: running", "controller-manager: running", "kubelet: running node " + NODE + " on Docker",
                "nodes:      1 of 1 Ready", NODE + "  Ready");
        cluster.down();
        LocalCoxswain.Run after = cluster.status();
        assertThat(after.exitCode()).as(after.output()).isEqualTo(3);
        assertThat(after.output()).contains("not running");
        System.out.println("verified: ./coxswain status while up (exit 0):\n" + status.output().stripTrailing()
                + "\nand after down (exit 3): " + after.output().strip());
    }

    /** What a command printed (standard output and error) and its exit code. */
    private record Shell(int exit, String out) {
    }

    /** {@code command} as user nobody, through runuser (this suite runs as root, as ./coxswain test does). */
    private static Shell asNobody(String... command) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("runuser", "-u", "nobody", "--"));
        all.addAll(List.of(command));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Shell(p.exitValue(), out);
    }

    @Test
    @Order(1)
    void kubectlLogsAndFollowStillWorkThroughTheSecuredKubelet() throws Exception {
        Kubectl.Result logs = awaitLog("line-3");
        assertThat(logs.stdout()).startsWith("line-0\n");
        List<String> lines = admin.firstLines(4, Duration.ofSeconds(20), "logs", "-f", "talker", "--tail=1");
        assertThat(lines).hasSize(4).allSatisfy(l -> assertThat(l).matches("line-\\d+"));
        int first = Integer.parseInt(lines.get(0).substring(5));
        assertThat(lines.get(3)).isEqualTo("line-" + (first + 3));
        System.out.println("verified: kubectl logs and logs -f read the pod's log through the kubelet's HTTPS server; -f gave " + lines);
    }

    @Test
    @Order(2)
    void theKubeletsPortRefusesNobodyAndUsersRbacDoesNotAllowAndServesOnesItAllows() throws Exception {
        HttpResponse<String> anonymous = kubelet("/containerLogs/default/talker/counter?tailLines=1", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).isEqualTo("Unauthorized");
        assertThat(kubelet("/healthz", null).statusCode()).as("health stays open").isEqualTo(200);
        assertThat(kubelet("/containerLogs/default/talker/counter", "not-a-token").statusCode()).isEqualTo(401);

        String alice = token("alice");
        HttpResponse<String> refused = kubelet("/containerLogs/default/talker/counter?tailLines=1", alice);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).isEqualTo("Forbidden (user=alice, verb=get, resource=nodes, subresource=proxy)");
        HttpResponse<String> stats = kubelet("/stats/summary", alice);
        assertThat(stats.body()).isEqualTo("Forbidden (user=alice, verb=get, resource=nodes, subresource=stats)");

        String bob = token("bob");
        Kubectl.Result bound = withInput(admin, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: node-proxy-reader}
                rules:
                - {apiGroups: [""], resources: [nodes/proxy], verbs: [get]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: bob-node-proxy-reader}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-proxy-reader}
                subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]
                """, "apply", "-f", "-");
        assertThat(bound.exitCode()).as(bound.stderr()).isZero();
        HttpResponse<String> allowed = awaitStatus("/containerLogs/default/talker/counter?tailLines=1", bob, 200);
        assertThat(allowed.body()).matches("line-\\d+\n");
        System.out.println("verified: the kubelet's port answers 401 'Unauthorized' without credentials, 403 '" + refused.body()
                + "' to alice, and 200 with the log to bob, bound to nodes/proxy");
    }

    @Test
    @Order(3)
    void tokenReviewAndSubjectAccessReviewAnswerKubectlAsKubeDoes() throws Exception {
        Kubectl.Result review = withInput(admin, """
                apiVersion: authentication.k8s.io/v1
                kind: TokenReview
                spec: {token: %s}
                """.formatted(token("carol")), "create", "-f", "-", "-o", "yaml");
        assertThat(review.exitCode()).as(review.stderr()).isZero();
        assertThat(review.stdout()).contains("kind: TokenReview", "creationTimestamp: null", "authenticated: true", "username: carol",
                "- system:authenticated", "- https://kubernetes.default.svc.cluster.local");
        Kubectl.Result nobody = withInput(admin, """
                apiVersion: authentication.k8s.io/v1
                kind: TokenReview
                spec: {token: not-a-token}
                """, "create", "-f", "-", "-o", "yaml");
        assertThat(nobody.stdout()).contains("status:\n  user: {}").doesNotContain("authenticated:");

        Kubectl.Result access = withInput(admin, """
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec:
                  user: %s
                  resourceAttributes: {verb: get, resource: nodes, subresource: proxy, name: %s}
                """.formatted("kube-apiserver-kubelet-client", NODE), "create", "-f", "-", "-o", "yaml");
        assertThat(access.exitCode()).as(access.stderr()).isZero();
        // YAML folds the long reason; unfolded it is RBAC's
        assertThat(access.stdout().replaceAll("\n\\s+", " ")).contains("allowed: true", "reason: 'RBAC: allowed by ClusterRoleBinding "
                + "\"kube-apiserver-kubelet-admin\" of ClusterRole \"system:kubelet-api-admin\" to User \"kube-apiserver-kubelet-client\"'");
        Kubectl.Result denied = withInput(admin, """
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec:
                  user: carol
                  groups: [system:authenticated]
                  resourceAttributes: {verb: get, resource: nodes, subresource: proxy, name: %s}
                """.formatted(NODE), "create", "-f", "-", "-o", "yaml");
        assertThat(denied.stdout()).contains("status:\n  allowed: false\n");
        // a user who is not an auth delegator may not ask
        Kubectl carol = new Kubectl(dir.resolve("carol.kubeconfig"), dir.resolve("carol"));
        Kubectl.Result forbidden = withInput(carol, """
                apiVersion: authentication.k8s.io/v1
                kind: TokenReview
                spec: {token: x}
                """, "create", "-f", "-");
        assertThat(forbidden.stderr()).contains("tokenreviews.authentication.k8s.io is forbidden: User \"carol\" cannot create resource "
                + "\"tokenreviews\" in API group \"authentication.k8s.io\" at the cluster scope");
        System.out.println("verified: kubectl create -f of a TokenReview and a SubjectAccessReview answer as kube-apiserver, "
                + "and creating one needs RBAC:\n" + review.stdout() + access.stdout());
    }

    @Test
    @Order(4)
    void aStandaloneKubeletServesTheCertificateOfTlsCertFile() throws Exception {
        // a serving certificate from a CA that is not the cluster's, as an operator's own PKI would issue it
        io.coxswain.apiserver.auth.Pki own = io.coxswain.apiserver.auth.Pki.open(dir.resolve("operator-ca"));
        io.coxswain.apiserver.auth.Pki.Issued serving = own.issueServing("standalone", List.of("127.0.0.1"));
        Path crt = Files.writeString(dir.resolve("standalone.crt"), serving.certificatePem());
        Path key = io.coxswain.apiserver.Kubeconfig.writePrivate(dir.resolve("standalone.key"), serving.keyPem());
        String node = NODE + "-b";
        Path nodeConfig = dir.resolve("standalone.kubeconfig");
        TeamModeTest.coxswain(dir, "kubeconfig", "--data-dir", cluster.data.toString(), "--node", node, "-o", nodeConfig.toString());
        int port = LocalCoxswain.freePort();
        Path log = dir.resolve("standalone-kubelet.log");
        Process kubeletProcess = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                io.coxswain.tests.cluster.ApiServerProcess.jar().toString(), "kubelet", "--kubeconfig", nodeConfig.toString(),
                "--node-name", node, "--kubelet-port", String.valueOf(port), "--root-dir", dir.resolve("standalone-root").toString(),
                "--tls-cert-file", crt.toString(), "--tls-private-key-file", key.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("is running against") && kubeletProcess.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).contains("kubelet " + node + " is running against");
            // trusting only the operator's CA, with the host name checked: the kubelet serves the given certificate
            HttpClient operator = HttpClient.newBuilder().sslContext(TeamModeTest.trusting(dir.resolve("operator-ca/ca.crt")))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            String base = "https://127.0.0.1:" + port;
            assertThat(operator.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            HttpResponse<String> anonymous = operator.send(HttpRequest.newBuilder(URI.create(base + "/containerLogs/default/talker/counter"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            // and the cluster CA alone does not vouch for it
            HttpClient cluster = HttpClient.newBuilder().sslContext(TeamModeTest.trusting(SecureByDefaultTest.cluster.data.resolve("pki/ca.crt")))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            System.out.println("verified: a standalone kubelet with --tls-cert-file/--tls-private-key-file serves that certificate "
                    + "(trusted through its own CA only) and refuses an anonymous log read with 401");
        } finally {
            kubeletProcess.destroy();
            kubeletProcess.waitFor(30, TimeUnit.SECONDS);
            admin.run(new String[]{"delete", "node", node, "--wait=false"});
        }
    }

    /** kubectl with {@code input} on its standard input. */
    private static Kubectl.Result withInput(Kubectl kubectl, String input, String... args) throws Exception {
        return kubectl.run(input, args);
    }

    /** A token user with no role, from {@code coxswain kubeconfig}, and the token it got, once the apiserver knows it. */
    private static String token(String user) throws Exception {
        Path config = dir.resolve(user + ".kubeconfig");
        TeamModeTest.coxswain(dir, "kubeconfig", "--user", user, "--role", "none", "--data-dir", cluster.data.toString(),
                "-o", config.toString());
        Matcher m = Pattern.compile("token: (\\S+)").matcher(Files.readString(config));
        assertThat(m.find()).isTrue();
        // the apiserver reads the token file once a second; the kubelet would keep a refusal for 30 s
        TeamModeTest.awaitSuccess(new Kubectl(config, dir.resolve(user)), "auth", "whoami");
        return m.group(1);
    }

    private static HttpResponse<String> kubelet(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(kubelet + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return kubeletHttp.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The kubelet caches a refusal for 30 s, as kube's does; a user bound before its first call is allowed at once. */
    private static HttpResponse<String> awaitStatus(String path, String token, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        HttpResponse<String> last;
        do {
            last = kubelet(path, token);
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the kubelet kept answering " + last.statusCode() + ": " + last.body());
    }

    private static Kubectl.Result awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Kubectl.Result last;
        do {
            last = admin.run(new String[]{"logs", "talker"});
            if (last.exitCode() == 0 && last.stdout().contains(text)) {
                return last;
            }
            Thread.sleep(300);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("kubectl logs never showed " + text + ": " + last.stdout() + last.stderr());
    }
}
