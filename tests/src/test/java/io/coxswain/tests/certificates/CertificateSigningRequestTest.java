package io.coxswain.tests.certificates;

import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.LocalCoxswain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests on a real all-in-one ({@code ./coxswain up}) with real kubectl and
 * keys made by {@code openssl req}: the upstream columns of {@code kubectl get csr}, {@code kubectl certificate approve}
 * and the certificate csrsigning issues from the cluster CA (subject, issuer, validity from expirationSeconds) logging in
 * with {@code auth whoami}; deny; validation errors; the approve permission on signers; and csrapproving approving a
 * node's own kubelet client request and a bootstrapper's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CertificateSigningRequestTest {

    @TempDir
    static Path dir;
    private static LocalCoxswain coxswain;
    private static Kubectl kubectl;

    @BeforeAll
    static void up() throws Exception {
        coxswain = LocalCoxswain.up(dir.resolve("data"), "csr-" + UUID.randomUUID().toString().substring(0, 6), Duration.ofMinutes(5));
        kubectl = new Kubectl(coxswain.kubeconfig(), dir);
    }

    @AfterAll
    static void down() throws Exception {
        if (coxswain != null) {
            coxswain.close();
        }
    }

    @Test
    @Order(1)
    void approvedClientRequestIsSignedByTheClusterCaAndLogsIn() throws Exception {
        Path key = dir.resolve("jane.key");
        String request = openssl(key, "/O=devs/O=testers/CN=jane");
        input(manifest("jane", request, "kubernetes.io/kube-apiserver-client", 3600,
                "client auth", "digital signature", "key encipherment"), "create", "-f", "-");

        String table = ok("get", "csr", "jane");
        List<String> lines = table.strip().lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION");
        assertThat(lines.get(1).split("\\s+")).startsWith("jane").contains("kubernetes.io/kube-apiserver-client", "system:admin", "60m",
                "Pending");
        System.out.println("verified: kubectl get csr\n" + table);
        // the client's requestor fields are the server's, whatever the body said
        assertThat(ok("get", "csr", "jane", "-o", "jsonpath={.spec.username} {.spec.groups}")).startsWith("system:admin [")
                .contains("system:masters");

        assertThat(ok("certificate", "approve", "jane")).contains("certificatesigningrequest.certificates.k8s.io/jane approved");
        String certificate = await("jane", "{.status.certificate}");
        X509Certificate issued = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(certificate)));
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(coxswain.data.resolve("pki/ca.crt")));
        issued.verify(ca.getPublicKey());
        assertThat(issued.getSubjectX500Principal().getName()).isEqualTo("CN=jane,O=testers,O=devs");
        assertThat(issued.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        long seconds = (issued.getNotAfter().getTime() - issued.getNotBefore().getTime()) / 1000;
        // expirationSeconds 3600, backdated 5 minutes against clock skew
        assertThat(seconds).isEqualTo(3600 + 300);
        assertThat(issued.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(ok("get", "csr", "jane")).contains("Approved,Issued");
        System.out.printf("verified: signed %s by %s, valid %d s%n", issued.getSubjectX500Principal(), issued.getIssuerX500Principal(), seconds);

        Path crt = dir.resolve("jane.crt");
        Files.writeString(crt, new String(Base64.getDecoder().decode(certificate), StandardCharsets.US_ASCII));
        Kubectl jane = new Kubectl(kubeconfig("jane", crt, key), dir.resolve("jane"));
        Kubectl.Result whoami = run(jane, null, "auth", "whoami");
        assertThat(whoami.exitCode()).as(whoami.stderr()).isZero();
        assertThat(whoami.stdout()).containsPattern("Username\\s+jane").contains("devs").contains("testers");
        System.out.println("verified: kubectl auth whoami with the issued certificate\n" + whoami.stdout());
    }

    @Test
    @Order(2)
    void deniedRequestGetsNoCertificate() throws Exception {
        String request = openssl(dir.resolve("mallory.key"), "/CN=mallory");
        input(manifest("mallory", request, "kubernetes.io/kube-apiserver-client", null, "client auth"), "create", "-f", "-");
        assertThat(ok("certificate", "deny", "mallory")).contains("certificatesigningrequest.certificates.k8s.io/mallory denied");
        assertThat(ok("get", "csr", "mallory", "-o", "jsonpath={.status.conditions[0].type} {.status.conditions[0].reason}"))
                .isEqualTo("Denied KubectlDeny");
        TimeUnit.SECONDS.sleep(3);
        assertThat(ok("get", "csr", "mallory", "-o", "jsonpath={.status.certificate}")).isEmpty();
        assertThat(ok("get", "csr", "mallory")).contains("REQUESTEDDURATION").contains("<none>").contains("Denied");
        // kubectl will not approve a denied request; the server refuses it too: Approved and Denied exclude each other
        assertThat(attempt("certificate", "approve", "mallory").stderr()).contains("already Denied");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var csr = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(ok("get", "csr", "mallory", "-o", "json"));
        csr.with("status").withArray("conditions").addObject().put("type", "Approved").put("status", "True").put("reason", "Sneaky");
        Path body = dir.resolve("mallory-approval.json");
        Files.writeString(body, csr.toString());
        Kubectl.Result both = attempt("replace", "--raw", "/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory/approval",
                "-f", body.toString());
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.stderr()).contains("Approved and Denied conditions are mutually exclusive");
        System.out.println("verified: deny, no certificate; " + both.stderr().strip());
    }

    @Test
    @Order(3)
    void invalidRequestsAreRefusedWithClearMessages() throws Exception {
        String request = openssl(dir.resolve("x.key"), "/CN=x");
        Kubectl.Result badPem = tried(manifest("bad-pem", Base64.getEncoder().encodeToString(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII)),
                "kubernetes.io/kube-apiserver-client", null, "client auth"), "create", "-f", "-");
        assertThat(badPem.exitCode()).isNotZero();
        assertThat(badPem.stderr()).contains("spec.request").contains("PEM block type must be CERTIFICATE REQUEST");
        Kubectl.Result badSigner = tried(manifest("bad-signer", request, "my-signer", null, "client auth"), "create", "-f", "-");
        assertThat(badSigner.exitCode()).isNotZero();
        assertThat(badSigner.stderr()).contains("spec.signerName")
                .contains("must be a fully qualified domain and path of the form 'example.com/signer-name'");
        Kubectl.Result noUsages = tried(manifest("no-usages", request, "example.com/mine", null), "create", "-f", "-");
        assertThat(noUsages.exitCode()).isNotZero();
        assertThat(noUsages.stderr()).contains("spec.usages: Required value");
        Kubectl.Result shortLived = tried(manifest("short", request, "example.com/mine", 60, "client auth"), "create", "-f", "-");
        assertThat(shortLived.exitCode()).isNotZero();
        assertThat(shortLived.stderr()).contains("expirationSeconds");
        // certificates/subjectrestriction: no kube-apiserver-client certificate for system:masters, whoever would approve it
        Kubectl.Result masters = tried(manifest("root", openssl(dir.resolve("root.key"), "/O=system:masters/CN=root"),
                "kubernetes.io/kube-apiserver-client", null, "client auth"), "create", "-f", "-");
        assertThat(masters.exitCode()).isNotZero();
        assertThat(masters.stderr()).contains("use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed");
        System.out.println("verified: " + badPem.stderr().strip() + "\nverified: " + badSigner.stderr().strip()
                + "\nverified: " + masters.stderr().strip());
    }

    @Test
    @Order(4)
    void approvingNeedsApproveOnTheSigner() throws Exception {
        input(manifest("pat", openssl(dir.resolve("pat.key"), "/CN=pat"), "kubernetes.io/kube-apiserver-client",
                null, "client auth"), "create", "-f", "-");
        Kubectl.Result alice = attempt("certificate", "approve", "pat", "--as", "alice");
        assertThat(alice.exitCode()).isNotZero();
        assertThat(alice.stderr()).contains("forbidden");
        // bob may write the approval but not approve for this signer: the certificates/approval admission says no
        ok("create", "clusterrole", "csr-approval-writer", "--verb=get,list,update", "--resource=certificatesigningrequests,"
                + "certificatesigningrequests/approval");
        ok("create", "clusterrolebinding", "bob-writes-approvals", "--clusterrole=csr-approval-writer", "--user=bob", "--user=carol");
        Kubectl.Result bob = attempt("certificate", "approve", "pat", "--as", "bob");
        assertThat(bob.exitCode()).isNotZero();
        assertThat(bob.stderr()).contains("user not permitted to approve requests with signerName \"kubernetes.io/kube-apiserver-client\"");
        // carol may also approve for kubernetes.io/* (the domain's wildcard, as upstream checks second)
        input("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: kubernetes-io-approver}
                rules:
                - apiGroups: [certificates.k8s.io]
                  resources: [signers]
                  resourceNames: ["kubernetes.io/*"]
                  verbs: [approve]
                """, "apply", "-f", "-");
        ok("create", "clusterrolebinding", "carol-approves", "--clusterrole=kubernetes-io-approver", "--user=carol");
        assertThat(ok("certificate", "approve", "pat", "--as", "carol")).contains("approved");
        assertThat(ok("get", "csr", "pat", "-o", "jsonpath={.status.conditions[0].type}")).isEqualTo("Approved");
        System.out.println("verified: alice forbidden; bob: " + bob.stderr().strip() + "; carol approved");
    }

    @Test
    @Order(5)
    void kubeletClientRequestsAreApprovedForTheNodeItselfAndForBootstrappers() throws Exception {
        String own = openssl(dir.resolve("worker-1.key"), "/O=system:nodes/CN=system:node:worker-1");
        input(manifest("node-csr-worker-1", own, "kubernetes.io/kube-apiserver-client-kubelet", null, "digital signature",
                "key encipherment", "client auth"), "create", "-f", "-", "--as", "system:node:worker-1", "--as-group", "system:nodes");
        String first = openssl(dir.resolve("worker-2.key"), "/O=system:nodes/CN=system:node:worker-2");
        input(manifest("node-csr-worker-2", first, "kubernetes.io/kube-apiserver-client-kubelet", null, "digital signature",
                "client auth"), "create", "-f", "-", "--as", "system:bootstrap:abcdef", "--as-group", "system:bootstrappers");
        for (String node : List.of("worker-1", "worker-2")) {
            await("node-csr-" + node, "{.status.certificate}");
            String reason = ok("get", "csr", "node-csr-" + node, "-o", "jsonpath={.status.conditions[0].reason}: {.status.conditions[0].message}");
            assertThat(reason).startsWith("AutoApproved: Auto approving");
            System.out.println("verified: node-csr-" + node + " " + reason);
        }
        String certificate = ok("get", "csr", "node-csr-worker-1", "-o", "jsonpath={.status.certificate}");
        Path crt = dir.resolve("worker-1.crt");
        Files.writeString(crt, new String(Base64.getDecoder().decode(certificate), StandardCharsets.US_ASCII));
        Kubectl node = new Kubectl(kubeconfig("worker-1", crt, dir.resolve("worker-1.key")), dir.resolve("worker-1"));
        Kubectl.Result whoami = run(node, null, "auth", "whoami");
        assertThat(whoami.exitCode()).as(whoami.stderr()).isZero();
        assertThat(whoami.stdout()).containsPattern("Username\\s+system:node:worker-1").contains("system:nodes");
        // a year by default
        X509Certificate issued = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(certificate)));
        assertThat((issued.getNotAfter().getTime() - issued.getNotBefore().getTime()) / 1000).isEqualTo(365L * 86400 + 300);
        System.out.println("verified: the node's certificate logs in as\n" + whoami.stdout());
        // a kubelet request from someone who may not ask for node certificates waits for a person
        String other = openssl(dir.resolve("worker-3.key"), "/O=system:nodes/CN=system:node:worker-3");
        ok("create", "clusterrole", "csr-creator", "--verb=create,get", "--resource=certificatesigningrequests");
        ok("create", "clusterrolebinding", "dave-creates-csrs", "--clusterrole=csr-creator", "--user=dave");
        input(manifest("node-csr-worker-3", other, "kubernetes.io/kube-apiserver-client-kubelet", null, "digital signature",
                "client auth"), "create", "-f", "-", "--as", "dave");
        TimeUnit.SECONDS.sleep(3);
        assertThat(ok("get", "csr", "node-csr-worker-3")).contains("Pending");
    }

    // ---- helpers ----

    /** A new RSA key in {@code key} and a PKCS#10 request for {@code subject} from {@code openssl req}; the request base64'd. */
    private static String openssl(Path key, String subject) throws IOException, InterruptedException {
        Path csr = key.resolveSibling(key.getFileName() + ".csr");
        Process p = new ProcessBuilder("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-subj", subject, "-out", csr.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return Base64.getEncoder().encodeToString(Files.readAllBytes(csr));
    }

    private static String manifest(String name, String request, String signer, Integer expirationSeconds, String... usages) {
        StringBuilder yaml = new StringBuilder("apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n  request: ").append(request).append("\n  signerName: ").append(signer).append('\n')
                // a forged requestor, which the server replaces
                .append("  username: someone-else\n");
        if (expirationSeconds != null) {
            yaml.append("  expirationSeconds: ").append(expirationSeconds).append('\n');
        }
        if (usages.length > 0) {
            yaml.append("  usages:\n");
            for (String u : usages) {
                yaml.append("  - ").append(u).append('\n');
            }
        }
        return yaml.toString();
    }

    private static Path kubeconfig(String user, Path crt, Path key) throws IOException {
        Path file = dir.resolve(user + ".kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: coxswain
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: %s
                  user: {client-certificate: "%s", client-key: "%s"}
                contexts:
                - name: default
                  context: {cluster: coxswain, user: %s}
                current-context: default
                """.formatted(coxswain.server(), coxswain.data.resolve("pki/ca.crt"), user, crt, key, user));
        return file;
    }

    /** Waits up to 30 s for a field of the request to be filled. */
    private static String await(String name, String jsonpath) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String value = ok("get", "csr", name, "-o", "jsonpath=" + jsonpath);
            if (!value.isEmpty()) {
                return value;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError(name + " has no " + jsonpath + " after 30 s: " + ok("get", "csr", name, "-o", "yaml")
                + "\ncoxswain.log:\n" + coxswain.log().lines().filter(l -> l.contains("csr")).reduce("", (a, b) -> a + b + "\n"));
    }

    /** kubectl without a standard input, whatever its exit code. */
    private static Kubectl.Result attempt(String... args) throws IOException, InterruptedException {
        return run(kubectl, null, args);
    }

    /** kubectl with this standard input, whatever its exit code. */
    private static Kubectl.Result tried(String stdin, String... args) throws IOException, InterruptedException {
        return run(kubectl, stdin, args);
    }

    private static Kubectl.Result run(Kubectl k, String stdin, String... args) throws IOException, InterruptedException {
        return k.run(stdin, args);
    }

    private static String ok(String... args) throws IOException, InterruptedException {
        return input(null, args);
    }

    /** kubectl with a standard input (or null), expecting exit code 0; its standard output. */
    private static String input(String stdin, String... args) throws IOException, InterruptedException {
        Kubectl.Result r = kubectl.run(stdin, args);
        assertThat(r.exitCode()).as("kubectl %s%nstdout: %s%nstderr: %s", String.join(" ", args), r.stdout(), r.stderr()).isZero();
        return r.stdout();
    }
}
