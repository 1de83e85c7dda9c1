package io.coxswain.tests.join;

import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.LocalCoxswain;
import io.coxswain.tests.cluster.JarProcess;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code coxswain node} as a person runs it on a new machine (the launcher jar), against an apiserver and a
 * controller-manager that signs kubelet client certificates for 3 minutes: token discovery and TLS bootstrap register a
 * Ready node whose certificate is {@code system:node:<name>}, through an Approved,Issued CSR of the bootstrap token's
 * user; a second start reuses the credentials; the node renews its certificate itself (a CSR of its own, approved) and
 * stays Ready with its pod running; and each join failure gives its message with no Node and no files left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeJoinTest {

    @TempDir
    static Path dir;
    private static ApiServerProcess apiserver;
    private static JarProcess controllerManager;
    private static KubernetesClient admin;
    private static Kubectl kubectl;
    private static String caHash;
    private static final String NODE = "jn17-" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void cluster() throws Exception {
        Path cp = dir.resolve("control-plane");
        apiserver = ApiServerProcess.start(dir.resolve("apiserver"), "--data-dir", cp.toString());
        admin = apiserver.newClient();
        kubectl = new Kubectl(apiserver.kubeconfig(), dir.resolve("kubectl"));
        Path ca = cp.resolve("pki/ca.crt");
        caHash = BootstrapTokenFixture.caHash(ca);
        controllerManager = JarProcess.start(dir, "controller-manager", "controller-manager running",
                "controller-manager", "--kubeconfig", apiserver.kubeconfig().toString(),
                "--cluster-signing-cert-file", ca.toString(), "--cluster-signing-key-file", cp.resolve("pki/ca.key").toString(),
                "--cluster-signing-duration", "3m0s", "--metrics-bind-address", "127.0.0.1:0");
        BootstrapTokenFixture.createTokens(apiserver, admin, dir);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (controllerManager != null) {
                controllerManager.close();
            }
            if (admin != null) {
                admin.close();
            }
            if (apiserver != null) {
                apiserver.close();
            }
        } finally {
            String ids = DockerNode.docker("ps", "-aq", "--filter", "label=io.coxswain.node=" + NODE).strip();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(List.of(ids.split("\\s+")));
                DockerNode.docker(rm.toArray(String[]::new));
            }
        }
    }

    private static List<String> joinArgs(String token, String hash, Path dataDir, String nodeName, String server) {
        List<String> args = new ArrayList<>(List.of("node", "--server", server, "--data-dir", dataDir.toString(),
                "--node-name", nodeName, "--kubelet-port", "0", "--disable-kube-proxy", "--disable-overlay", "--discovery-timeout", "4s"));
        if (token != null) {
            args.addAll(List.of("--token", token));
        }
        if (hash != null) {
            args.addAll(List.of("--discovery-token-ca-cert-hash", hash));
        }
        return args;
    }

    @Test
    @Order(1)
    void joinsReusesItsCredentialsAndRenewsThemWhileStayingReady() throws Exception {
        Path data = dir.resolve("node-data");
        List<String> args = joinArgs(BootstrapTokenFixture.token.toString(), caHash, data, NODE, apiserver.url());
        long started = System.nanoTime();
        JarProcess node = JarProcess.start(dir, "node", "joined", args.toArray(String[]::new));
        try {
            ok("wait", "--for=condition=Ready", "node/" + NODE, "--timeout=120s");
            System.out.printf("join: node %s Ready %d ms after `coxswain node` started%n", NODE, (System.nanoTime() - started) / 1_000_000);

            X509Certificate certificate;
            try (var in = Files.newInputStream(data.resolve("pki/node-client.crt"))) {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:" + NODE + ",O=system:nodes");
            assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
            for (String f : List.of("pki/node-client.crt", "pki/node-client.key", "pki/ca.crt", "node.kubeconfig")) {
                assertThat(Files.getPosixFilePermissions(data.resolve(f))).as(f)
                        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            List<CertificateSigningRequest> bootstrap = csrsOf("system:bootstrap:" + BootstrapTokenFixture.token.id());
            assertThat(bootstrap).hasSize(1);
            String csr = bootstrap.get(0).getMetadata().getName();
            assertThat(ok("get", "csr", csr)).contains("Approved,Issued").contains("kubernetes.io/kube-apiserver-client-kubelet");
            System.out.println("verified: " + ok("get", "csr", csr).strip().replace('\n', ' '));

            // one pod on the joined node, bound to it (no scheduler here)
            admin.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("jn17-pod").endMetadata()
                    .withNewSpec().withNodeName(NODE).addNewContainer().withName("sleep").withImage("coxswain/busybox:1")
                    .withImagePullPolicy("Never").withCommand("sleep", "3600").endContainer().endSpec().build()).create();
            ok("wait", "--for=condition=Ready", "pod/jn17-pod", "--timeout=120s");

            // a second start: the same credentials, no new CSR
            node.close();
            long from = node.logSize();
            node.start("joined");
            assertThat(node.output(from)).contains("reusing the client certificate").doesNotContain("tls bootstrap: created");
            assertThat(csrsOf("system:bootstrap:" + BootstrapTokenFixture.token.id())).hasSize(1);
            ok("wait", "--for=condition=Ready", "node/" + NODE, "--timeout=120s");
            System.out.println("verified: the second start reused " + data.resolve("pki/node-client.crt") + " without a new CSR");

            // the node's kubeconfig is a kubelet's: it is system:node:<name>, and node restriction keeps it to its own Node
            Kubectl asNode = new Kubectl(data.resolve("node.kubeconfig"), dir.resolve("kubectl-node"));
            Kubectl.Result whoami = asNode.run(new String[]{"auth", "whoami"});
            assertThat(whoami.exitCode()).as(whoami.stderr()).isZero();
            assertThat(whoami.stdout()).containsPattern("Username\\s+system:node:" + NODE).contains("system:nodes");
            assertThat(asNode.run(new String[]{"label", "node", NODE, "jn17=own"}).exitCode()).isZero();
            Kubectl.Result other = asNode.run("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"jn17-other\"}}",
                    new String[]{"create", "-f", "-"});
            assertThat(other.exitCode()).isNotZero();
            assertThat(other.stderr()).contains("Forbidden");
            System.out.println("verified: with node.kubeconfig kubectl is system:node:" + NODE + "; creating another Node: "
                    + other.stderr().strip());

            // renewal: the 3-minute certificate (backdated 5 minutes) is renewed at 70-90 % of its 8 minutes
            awaitTrue(() -> !csrsOf("system:node:" + NODE).isEmpty(), Duration.ofMinutes(4), "a CSR made by the node itself");
            String renewal = csrsOf("system:node:" + NODE).get(0).getMetadata().getName();
            awaitTrue(() -> {
                try {
                    return ok("get", "csr", renewal).contains("Approved,Issued");
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(60), "the node's renewal CSR to be approved and issued");
            node.awaitLog("renewed the client certificate", from, Duration.ofSeconds(60));
            long restarted = node.logSize();
            node.awaitLog("kubelet running against", restarted, Duration.ofSeconds(60));
            // the restarted kubelet, on its renewed certificate, keeps renewing the node's Lease
            java.time.Instant afterRestart = java.time.Instant.now();
            awaitTrue(() -> {
                var lease = admin.leases().inNamespace("kube-node-lease").withName(NODE).get();
                return lease != null && lease.getSpec().getRenewTime().toInstant().isAfter(afterRestart.plusSeconds(2));
            }, Duration.ofSeconds(60), "the node's Lease to be renewed after the components restarted");
            assertThat(node.output(restarted)).doesNotContain("Unauthorized").doesNotContain("Forbidden");
            X509Certificate renewed;
            try (var in = Files.newInputStream(data.resolve("pki/node-client.crt"))) {
                renewed = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(renewed.getSerialNumber()).isNotEqualTo(certificate.getSerialNumber());
            assertThat(renewed.getSubjectX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
            ok("wait", "--for=condition=Ready", "node/" + NODE, "--timeout=60s");
            assertThat(ok("get", "node", NODE)).containsPattern(NODE + "\\s+Ready");
            assertThat(ok("get", "pod", "jn17-pod", "-o", "jsonpath={.status.phase} {.status.containerStatuses[0].restartCount}"))
                    .isEqualTo("Running 0");
            System.out.println("verified: renewal " + ok("get", "csr", renewal).strip().replace('\n', ' '));
            System.out.println("verified: after renewal the node is Ready and its pod Running with 0 restarts");
        } finally {
            node.close();
            admin.pods().inNamespace("default").withName("jn17-pod").withGracePeriod(0).delete();
        }
    }

    @Test
    @Order(2)
    void malformedToken() throws Exception {
        failsWith("bad", joinArgs("abc.def", caHash, dir.resolve("bad-token"), "jn17-bad", apiserver.url()),
                "the token does not have the form [a-z0-9]{6}.[a-z0-9]{16}");
    }

    @Test
    @Order(3)
    void unreachableServer() throws Exception {
        String url = "https://127.0.0.1:" + LocalCoxswain.freePort();
        failsWith("unreachable", joinArgs(BootstrapTokenFixture.token.toString(), caHash, dir.resolve("unreachable"), "jn17-unreach", url),
                "cannot reach the apiserver at " + url + ": connection refused");
    }

    @Test
    @Order(4)
    void tokenUnknownToTheCluster() throws Exception {
        failsWith("unknown", joinArgs("jn17no.0123456789abcdef", caHash, dir.resolve("unknown"), "jn17-unknown", apiserver.url()),
                "token id jn17no is not valid for this cluster or has expired");
    }

    @Test
    @Order(5)
    void tokenRefusedAtTheCsr() throws Exception {
        failsWith("revoked", joinArgs(BootstrapTokenFixture.signingOnly.toString(), caHash, dir.resolve("revoked"), "jn17-revoked", apiserver.url()),
                "refused the credential (401 Unauthorized): the token is not valid for this cluster");
    }

    @Test
    @Order(6)
    void wrongCaHash() throws Exception {
        String wrong = "sha256:" + "ab".repeat(32);
        failsWith("wrong-hash", joinArgs(BootstrapTokenFixture.token.toString(), wrong, dir.resolve("wrong-hash"), "jn17-hash", apiserver.url()),
                "has the public key pin " + caHash + ", but --discovery-token-ca-cert-hash expects " + wrong);
    }

    @Test
    @Order(7)
    void withoutACaHashTheJoinAsksForOneOrTheUnsafeFlag() throws Exception {
        failsWith("no-hash", joinArgs(BootstrapTokenFixture.token.toString(), null, dir.resolve("no-hash"), "jn17-nohash", apiserver.url()),
                "give --discovery-token-ca-cert-hash");
        // with the unsafe flag discovery trusts the server's CA, warns, and goes on (here to the revoked token's 401)
        List<String> unsafe = joinArgs(BootstrapTokenFixture.signingOnly.toString(), null, dir.resolve("unsafe"), "jn17-unsafe", apiserver.url());
        unsafe.add("--discovery-token-unsafe-skip-ca-verification");
        String out = failsWith("unsafe", unsafe, "refused the credential (401 Unauthorized)");
        assertThat(out).contains("WARN").contains("is trusted without a check (--discovery-token-unsafe-skip-ca-verification)");
    }

    /** Runs the join to its end: a non-zero exit, the message, no Node, nothing in its data dir. */
    private static String failsWith(String name, List<String> args, String message) throws Exception {
        String nodeName = args.get(args.indexOf("--node-name") + 1);
        Path data = Path.of(args.get(args.indexOf("--data-dir") + 1));
        JarProcess p = JarProcess.start(dir, "fail-" + name, null, args.toArray(String[]::new));
        Integer exit = p.awaitExit(Duration.ofSeconds(60));
        String out = p.output(0);
        assertThat(exit).as(out).isNotNull().isNotZero();
        assertThat(out).contains("coxswain node: ").contains(message);
        assertThat(admin.nodes().withName(nodeName).get()).isNull();
        assertThat(!Files.exists(data) || isEmpty(data)).as("nothing written in " + data).isTrue();
        String line = out.lines().filter(l -> l.startsWith("coxswain node:")).findFirst().orElseThrow();
        System.out.println("verified: exit " + exit + ", no Node, no files: " + line);
        return out;
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

    private static List<CertificateSigningRequest> csrsOf(String user) {
        return admin.certificates().v1().certificateSigningRequests().list().getItems().stream()
                .filter(c -> user.equals(c.getSpec().getUsername())).toList();
    }

    private static String ok(String... args) throws IOException, InterruptedException {
        Kubectl.Result r = kubectl.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout();
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what);
    }
}
