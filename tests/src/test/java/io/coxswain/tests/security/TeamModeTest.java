package io.coxswain.tests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.Pki;
import io.coxswain.apiserver.auth.Security;
import io.coxswain.apiserver.auth.TokenFile;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.TestCluster;
import io.coxswain.tests.lsp.LspClient;
import io.coxswain.tests.lsp.LspServers;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Team mode end to end, with the built jar as a user runs it: {@code coxswain apiserver}, secure with no flag, makes its CA and
 * serving certificate (0600, reused on restart), refuses requests without credentials (401), takes tokens that
 * {@code coxswain kubeconfig} appends while it runs and client certificates from its CA, keeps a kubelet to its own
 * Node, Lease and pods (403 otherwise), audits every mutation, and the language server connects through a token
 * kubeconfig. The exact 403 message of kube-apiserver is checked in process with an authorizer that refuses. Only
 * {@code --insecure-loopback} serves plain HTTP, with a warning, and never off loopback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TeamModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static Path data;
    private static ApiServerProcess server;
    private static Kubectl admin;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(Path.of("target", "team-mode").toAbsolutePath());
        try (var old = Files.walk(dir)) {
            old.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
        data = dir.resolve("data");
        server = ApiServerProcess.start(dir, "--data-dir", data.toString(), "--tls-san", "team.example.com,10.1.2.3");
        assertThat(server.url()).startsWith("https://127.0.0.1:");
        admin = new Kubectl(data.resolve("kubeconfig"), dir.resolve("admin"));
        System.out.println("verified: coxswain apiserver with no flag serves " + server.url() + " and wrote the admin kubeconfig "
                + data.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void keysAndCertificatesAre0600AndTheServingCertificateHasTheSans() throws Exception {
        List<Path> secrets = List.of(data.resolve("pki/ca.crt"), data.resolve("pki/ca.key"), data.resolve("pki/server.crt"),
                data.resolve("pki/server.key"), data.resolve("pki/admin.crt"), data.resolve("pki/admin.key"), data.resolve("kubeconfig"),
                data.resolve("audit.log"));
        for (Path file : secrets) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("pki")))).isEqualTo("rwx------");
        X509Certificate serving = Pki.readCertificate(Files.readString(data.resolve("pki/server.crt")));
        List<String> sans = serving.getSubjectAlternativeNames().stream().map(e -> String.valueOf(e.get(1))).toList();
        assertThat(sans).contains("localhost", "127.0.0.1", "team.example.com", "10.1.2.3");
        serving.verify(Pki.readCertificate(Files.readString(data.resolve("pki/ca.crt"))).getPublicKey());
        System.out.println("verified: " + secrets.size() + " key, certificate and kubeconfig files are 0600 (pki/ is 0700); "
                + "the serving certificate is signed by the CA with SANs " + sans);
    }

    @Test
    @Order(2)
    void withoutCredentialsTheServerAnswers401ButHealthIsOpen() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(trusting(data.resolve("pki/ca.crt"))).build();
        HttpResponse<String> pods = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/pods")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pods.statusCode()).isEqualTo(401);
        assertThat(pods.body()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n"); // kube's body, its newline included
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces"))
                .header("Authorization", "Bearer not-a-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(discovery.statusCode()).isEqualTo(401);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        // plain HTTP on the TLS port gets no API
        HttpClient plain = HttpClient.newHttpClient();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(server.url().replace("https://", "http://") + "/api/v1/pods"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        Kubectl anonymous = new Kubectl(writeKubeconfigWithAWrongToken(), dir.resolve("anonymous"));
        Kubectl.Result refused = anonymous.run(new String[]{"get", "pods"});
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("You must be logged in to the server");
        System.out.println("verified: no credentials and a wrong token get 401 with kube-apiserver's Status body, /api included; "
                + "/healthz is open; kubectl with a wrong token says: " + refused.stderr().strip().lines().reduce((a, b) -> b).orElse(""));
    }

    @Test
    @Order(3)
    void kubectlWorksWithATokenThatCoxswainKubeconfigMadeWhileTheServerRuns() throws Exception {
        assertThat(admin.run(new String[]{"create", "namespace", "team-a"}).exitCode()).isZero();
        Path alice = dir.resolve("alice.kubeconfig");
        Files.writeString(alice, coxswain(dir, "kubeconfig", "--user", "alice", "--namespace", "team-a", "--group", "team-a-devs",
                "--data-dir", data.toString()));
        assertThat(Files.readString(data.resolve("tokens.csv"))).contains(",alice,").contains("\"team-a-devs\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tokens.csv")))).isEqualTo("rw-------");
        Kubectl kubectl = new Kubectl(alice, dir.resolve("alice"));
        Kubectl.Result whoami = awaitSuccess(kubectl, "auth", "whoami", "-o", "json");
        JsonNode review = JSON.readTree(whoami.stdout());
        assertThat(review.path("status").path("userInfo").path("username").asText()).isEqualTo("alice");
        assertThat(review.path("status").path("userInfo").path("groups").toString()).contains("team-a-devs", "system:authenticated");
        Kubectl.Result created = kubectl.run(new String[]{"create", "configmap", "settings", "--from-literal=mode=fast"});
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        Kubectl.Result got = kubectl.run(new String[]{"get", "configmap", "settings", "-o", "jsonpath={.metadata.namespace}/{.data.mode}"});
        assertThat(got.stdout()).isEqualTo("team-a/fast");
        // RBAC: the kubeconfig command bound alice to edit in team-a, and nothing else.
        Kubectl.Result elsewhere = kubectl.run(new String[]{"get", "pods", "-n", "team-b"});
        assertThat(elsewhere.exitCode()).isNotZero();
        assertThat(elsewhere.stderr()).contains("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-b\"");
        Kubectl.Result canI = kubectl.run(new String[]{"auth", "can-i", "delete", "deployments"});
        assertThat(canI.stdout().strip()).isEqualTo("yes");
        Kubectl.Result canINodes = kubectl.run(new String[]{"auth", "can-i", "list", "nodes"});
        assertThat(canINodes.stdout().strip()).isEqualTo("no");
        System.out.println("verified: kubectl over TLS with a token from `coxswain kubeconfig --user alice --namespace team-a` "
                + "(appended to tokens.csv while the server ran, no restart): whoami says alice "
                + review.path("status").path("userInfo").path("groups") + ", create and get configmap in team-a work; RBAC "
                + "(edit in team-a, bound by the command): can-i delete deployments yes, can-i list nodes no, and team-b says: "
                + elsewhere.stderr().strip());
    }

    @Test
    @Order(4)
    void aMissingNamespaceIsNamedAndCreateNamespaceMakesIt() throws Exception {
        String[] carol = {"kubeconfig", "--user", "carol", "--namespace", "team-c", "--data-dir", data.toString()};
        Run refused = coxswainRun(dir, carol);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("namespace \"team-c\" does not exist").contains("--create-namespace");
        assertThat(refused.stdout()).isEmpty();
        assertThat(Files.readString(data.resolve("tokens.csv"))).doesNotContain(",carol,"); // no credential for a refused binding
        List<String> create = new ArrayList<>(List.of(carol));
        create.add("--create-namespace");
        Path config = dir.resolve("carol.kubeconfig");
        Files.writeString(config, coxswain(dir, create.toArray(String[]::new)));
        Kubectl kubectl = new Kubectl(config, dir.resolve("carol"));
        awaitSuccess(kubectl, "auth", "whoami");
        Kubectl.Result created = kubectl.run(new String[]{"create", "configmap", "c", "--from-literal=a=b"});
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(admin.run(new String[]{"get", "namespace", "team-c", "-o", "jsonpath={.status.phase}"}).stdout()).isEqualTo("Active");
        // the same again: the namespace exists, the command still succeeds
        assertThat(coxswainRun(dir, create.toArray(String[]::new)).exitCode()).isZero();
        System.out.println("verified: coxswain kubeconfig for a missing namespace says: " + refused.stderr().strip()
                + " (exit 1, no token written); with --create-namespace the namespace is made and carol works in it");
    }

    @Test
    @Order(4)
    void aClientCertificateFromTheCaAuthenticates() throws Exception {
        Path bob = dir.resolve("bob.kubeconfig");
        coxswain(dir, "kubeconfig", "--user", "bob", "--group", "ops,oncall", "--client-certificate", "--data-dir", data.toString(),
                "-o", bob.toString());
        assertThat(Files.readString(bob)).contains("client-certificate-data:").doesNotContain("token:");
        Kubectl.Result whoami = new Kubectl(bob, dir.resolve("bob")).run(new String[]{"auth", "whoami", "-o", "json"});
        assertThat(whoami.exitCode()).as(whoami.stderr()).isZero();
        JsonNode user = JSON.readTree(whoami.stdout()).path("status").path("userInfo");
        assertThat(user.path("username").asText()).isEqualTo("bob");
        assertThat(user.path("groups").toString()).contains("ops", "oncall");
        // impersonation: the admin (system:masters) may act as anyone, as kubectl --as does it
        Kubectl.Result as = admin.run(new String[]{"auth", "whoami", "--as", "dave", "--as-group", "qa", "-o", "json"});
        assertThat(as.exitCode()).as(as.stderr()).isZero();
        JsonNode dave = JSON.readTree(as.stdout()).path("status").path("userInfo");
        assertThat(dave.path("username").asText()).isEqualTo("dave");
        assertThat(dave.path("groups").toString()).contains("qa", "system:authenticated").doesNotContain("system:masters");
        // a certificate from another CA is refused by the TLS handshake itself
        Path stranger = Files.createDirectories(dir.resolve("other-ca"));
        Pki other = Pki.open(stranger);
        Pki.Issued forged = other.issueClient("system:admin", List.of("system:masters"));
        Path forgedConfig = Kubeconfig.writePrivate(dir.resolve("forged.kubeconfig"), Kubeconfig.secure(server.url(),
                Files.readString(data.resolve("pki/ca.crt")), "system:admin",
                Kubeconfig.Credential.certificate(forged.certificatePem(), forged.keyPem()), "default"));
        Kubectl.Result refused = new Kubectl(forgedConfig, dir.resolve("forged")).run(new String[]{"get", "namespaces"});
        assertThat(refused.exitCode()).isNotZero();
        System.out.println("verified: a client certificate from the CA authenticates bob in " + user.path("groups")
                + "; the admin impersonating dave in qa is " + dave + "; one from another CA claiming system:masters is refused: " + refused.stderr().strip().lines().reduce((a, b) -> b).orElse(""));
    }

    @Test
    @Order(5)
    void aKubeletRegistersWithItsNodeCredentialAndMayWriteOnlyItsOwnObjects() throws Exception {
        Path nodeConfig = dir.resolve("h-0.kubeconfig");
        coxswain(dir, "kubeconfig", "--node", "h-0", "--data-dir", data.toString(), "-o", nodeConfig.toString());
        Path log = dir.resolve("kubelet.log");
        Process kubelet = new ProcessBuilder(java(), "-jar", ApiServerProcess.jar().toString(), "kubelet", "--runtime", "hollow",
                "--nodes", "1", "--node-name-prefix", "h", "--kubeconfig", nodeConfig.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (KubernetesClient adminClient = client(data.resolve("kubeconfig"));
             KubernetesClient node = client(nodeConfig)) {
            awaitTrue(() -> adminClient.nodes().withName("h-0").get() != null
                    && adminClient.leases().inNamespace("kube-node-lease").withName("h-0").get() != null, "node h-0 and its lease");
            adminClient.pods().inNamespace("default").resource(pod("on-h0", "h-0")).create();
            adminClient.pods().inNamespace("default").resource(pod("elsewhere", "h-9")).create();
            awaitTrue(() -> "Running".equals(adminClient.pods().inNamespace("default").withName("on-h0").get().getStatus().getPhase()),
                    "pod on-h0 Running (its status written by the node)");

            // its own objects
            node.nodes().withName("h-0").edit(n -> new NodeBuilder(n).editMetadata().addToLabels("team", "a").endMetadata().build());
            // anything else
            List<String> refusals = new ArrayList<>();
            refusals.add(forbidden(() -> node.nodes().resource(new NodeBuilder().withNewMetadata().withName("h-1").endMetadata().build())
                    .create()));
            adminClient.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata().withName("h-1")
                    .endMetadata().withNewSpec().withHolderIdentity("h-1").endSpec().build()).create();
            refusals.add(forbidden(() -> node.leases().inNamespace("kube-node-lease").withName("h-1")
                    .edit(l -> new LeaseBuilder(l).editSpec().withHolderIdentity("h-0").endSpec().build())));
            refusals.add(forbidden(() -> node.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata()
                    .withName("h-2").endMetadata().withNewSpec().withHolderIdentity("h-0").endSpec().build()).create()));
            refusals.add(forbidden(() -> node.pods().inNamespace("default").withName("elsewhere")
                    .editStatus(p -> new PodBuilder(p).editOrNewStatus().withPhase("Running").endStatus().build())));
            refusals.add(forbidden(() -> node.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("x").endMetadata().build()).create()));
            assertThat(adminClient.nodes().withName("h-1").get()).isNull();
            assertThat(adminClient.leases().inNamespace("kube-node-lease").withName("h-1").get().getSpec().getHolderIdentity())
                    .isEqualTo("h-1");
            assertThat(refusals.get(0)).contains("nodes is forbidden: User \"system:node:h-0\" cannot create resource \"nodes\" "
                    + "in API group \"\" at the cluster scope");
            assertThat(refusals.get(1)).contains("leases.coordination.k8s.io \"h-1\" is forbidden: User \"system:node:h-0\" cannot "
                    + "patch resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"kube-node-lease\"");
            System.out.println("verified: a hollow kubelet with `coxswain kubeconfig --node h-0` (client certificate, system:node:h-0 in "
                    + "system:nodes) registered Node h-0 and its Lease and ran a pod bound to it; it may label its own Node, and gets "
                    + refusals.size() + " refusals (403) for another node's Node, another node's Lease (update and create), the status "
                    + "of a pod bound elsewhere, and a ConfigMap, e.g.: " + refusals.get(1));
        } finally {
            kubelet.destroy();
            if (!kubelet.waitFor(20, TimeUnit.SECONDS)) {
                kubelet.destroyForcibly();
            }
        }
    }

    @Test
    @Order(6)
    void theAuditLogHasOneJsonLinePerMutatingRequest() throws Exception {
        Thread.sleep(500);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("audit.log"))) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.path("verb").asText()).isIn("create", "update", "patch", "delete", "deletecollection");
            assertThat(l.has("time") && l.has("user") && l.has("groups") && l.has("resource") && l.has("code") && l.has("requestURI")).isTrue();
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("user").asText()).isEqualTo("alice");
            assertThat(l.path("verb").asText()).isEqualTo("create");
            assertThat(l.path("resource").asText()).isEqualTo("configmaps");
            assertThat(l.path("namespace").asText()).isEqualTo("team-a");
            assertThat(l.path("name").asText()).isEqualTo("settings");
            assertThat(l.path("code").asInt()).isEqualTo(201);
            assertThat(l.path("groups").toString()).contains("team-a-devs");
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("user").asText()).isEqualTo("system:node:h-0");
            assertThat(l.path("resource").asText()).isEqualTo("pods/status");
            assertThat(l.path("code").asInt()).isEqualTo(403);
        });
        assertThat(lines).noneSatisfy(l -> assertThat(l.path("verb").asText()).isIn("get", "list", "watch"));
        long refused = lines.stream().filter(l -> l.path("code").asInt() == 403).count();
        System.out.println("verified: the audit log has " + lines.size() + " JSON lines, only mutations (" + refused + " refused), e.g. "
                + lines.stream().filter(l -> l.path("resource").asText().equals("configmaps")).findFirst().orElseThrow());
    }

    @Test
    @Order(7)
    void theLanguageServerConnectsAndDeploysThroughATokenKubeconfig() throws Exception {
        Path kubeconfig = dir.resolve("editor.kubeconfig");
        coxswain(dir, "kubeconfig", "--user", "carol", "--namespace", "team-a", "--data-dir", data.toString(), "-o", kubeconfig.toString());
        // fabric8 from the generated kubeconfig, as the cluster link builds it
        try (KubernetesClient carol = client(kubeconfig)) {
            awaitTrue(() -> carol.configMaps().withName("settings").get() != null, "carol reads team-a's configmap (token picked up)");
            assertThat(carol.getNamespace()).isEqualTo("team-a");
        }
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Path manifest = workspace.resolve("editor.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: from-the-editor
                data:
                  greeting: hello
                """);
        try (LspClient editor = LspClient.start(LspServers.OURS, LspServers.oursOrFail(), dir.resolve("ls.stderr.log"))) {
            Map<String, Object> settings = Map.of("coxswain", Map.of("cluster", Map.of("kubeconfig", kubeconfig.toString())));
            editor.initialize(workspace, settings, Duration.ofSeconds(60), LspClient::clusterLinkCapabilities);
            LspClient.Notice connected = editor.awaitStatus(0, s -> "connected".equals(state(s)), Duration.ofSeconds(60));
            assertThat(connected).as("a connected coxswain/status; got " + editor.statuses()).isNotNull();
            assertThat(connected.params().getAsJsonObject("connection").get("server").getAsString()).isEqualTo(server.url());
            String uri = manifest.toUri().toString();
            editor.open(uri, Files.readString(manifest));
            JsonElement answer = editor.executeCommand("coxswain.apply", Map.of("uri", uri, "document", 0)).get(60, TimeUnit.SECONDS);
            JsonObject result = answer.getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
            assertThat(result.get("ok").getAsBoolean()).as(result.toString()).isTrue();
            assertThat(result.get("namespace").getAsString()).isEqualTo("team-a");
            try (KubernetesClient adminClient = client(data.resolve("kubeconfig"))) {
                assertThat(adminClient.configMaps().inNamespace("team-a").withName("from-the-editor").get().getData())
                        .containsEntry("greeting", "hello");
            }
            Thread.sleep(300);
            assertThat(Files.readString(data.resolve("audit.log"))).contains("\"user\":\"carol\"");
            System.out.println("verified: the language server connected to " + server.url() + " through a token kubeconfig from "
                    + "`coxswain kubeconfig --user carol --namespace team-a` and deployed a ConfigMap into team-a as carol: " + result.get("message"));
        }
    }

    @Test
    @Order(8)
    void theCaAndServingCertificateAreReusedOnRestart() throws Exception {
        String ca = Files.readString(data.resolve("pki/ca.crt"));
        String serving = Files.readString(data.resolve("pki/server.crt"));
        server.close();
        server = ApiServerProcess.start(dir.resolve("second"), "--data-dir", data.toString(), "--tls-san",
                "team.example.com,10.1.2.3");
        assertThat(Files.readString(data.resolve("pki/ca.crt"))).isEqualTo(ca);
        assertThat(Files.readString(data.resolve("pki/server.crt"))).isEqualTo(serving);
        Path again = dir.resolve("alice-again.kubeconfig");
        // the old kubeconfig names the old port; the token is the same
        Files.writeString(again, Files.readString(dir.resolve("alice.kubeconfig")).replaceAll("server: \\S+", "server: " + server.url()));
        Kubectl.Result got = new Kubectl(again, dir.resolve("alice")).run(new String[]{"get", "configmap", "settings", "-o", "name"});
        assertThat(got.stdout().strip()).as(got.stderr()).isEqualTo("configmap/settings");
        System.out.println("verified: after a restart on the same data dir the CA and serving certificate are the same files, "
                + "and alice's token still works");
    }

    @Test
    @Order(9)
    void aForbiddenRequestGetsKubeApiserversMessage(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
        Pki pki = Pki.open(temp.resolve("pki"));
        pki.ensureServing(List.of());
        Path tokens = temp.resolve("tokens.csv");
        String token = TokenFile.append(tokens, "alice", List.of("team-a"));
        Security security = new Security(pki.caFile(), pki.serverCertFile(), pki.serverKeyFile(), tokens, temp.resolve("audit.log"));
        Authorizer onlyTeamA = a -> "team-a".equals(a.namespace()) || !a.resourceRequest()
                ? Authorizer.Decision.ALLOW : new Authorizer.Decision(false, "");
        try (TestCluster cluster = TestCluster.embedded(temp.resolve("data"), ApiServerOptions.defaults().withSecurity(security)
                .withAuthorizer(service -> onlyTeamA))) {
            String url = cluster.url().replace("http://", "https://");
            Path config = Kubeconfig.writePrivate(temp.resolve("alice.kubeconfig"),
                    Kubeconfig.secure(url, pki.caPem(), "alice", Kubeconfig.Credential.token(token), "team-a"));
            Kubectl kubectl = new Kubectl(config, temp);
            Kubectl.Result refused = kubectl.run(new String[]{"get", "pods", "-n", "team-b"});
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr().strip()).isEqualTo("Error from server (Forbidden): pods is forbidden: User \"alice\" cannot "
                    + "list resource \"pods\" in API group \"\" in the namespace \"team-b\"");
            assertThat(kubectl.run(new String[]{"get", "pods", "-n", "team-a"}).exitCode()).isZero();
            Kubectl.Result impersonating = kubectl.run(new String[]{"get", "pods", "-n", "team-a", "--as", "bob"});
            assertThat(impersonating.stderr().strip()).isEqualTo("Error from server (Forbidden): users \"bob\" is forbidden: User "
                    + "\"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
            HttpClient http = HttpClient.newBuilder().sslContext(trusting(pki.caFile())).build();
            HttpResponse<String> body = http.send(HttpRequest.newBuilder(URI.create(url + "/apis/apps/v1/namespaces/team-b/deployments/web"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(body.statusCode()).isEqualTo(403);
            JsonNode status = JSON.readTree(body.body());
            assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
            assertThat(status.path("code").asInt()).isEqualTo(403);
            assertThat(status.path("message").asText()).isEqualTo("deployments.apps \"web\" is forbidden: User \"alice\" cannot get "
                    + "resource \"deployments\" in API group \"apps\" in the namespace \"team-b\"");
            assertThat(status.path("details").path("kind").asText()).isEqualTo("deployments");
            assertThat(status.path("details").path("group").asText()).isEqualTo("apps");
            assertThat(status.path("details").path("name").asText()).isEqualTo("web");
            System.out.println("verified: with an authorizer that refuses team-b, kubectl prints `" + refused.stderr().strip()
                    + "` and the Status has reason Forbidden, details " + status.path("details") + "; --as bob: `"
                    + impersonating.stderr().strip() + "`");
        }
    }

    // --- helpers ---

    private static String state(JsonObject status) {
        JsonElement connection = status.get("connection");
        return connection != null && connection.isJsonObject() && connection.getAsJsonObject().has("state")
                ? connection.getAsJsonObject().get("state").getAsString() : null;
    }

    private static Pod pod(String name, String node) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
                .addNewContainer().withName("c").withImage("coxswain/busybox:1").endContainer().endSpec().build();
    }

    /** The message of the 403 that {@code call} must fail with. */
    private static String forbidden(Runnable call) {
        try {
            call.run();
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
            return e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage();
        }
        throw new AssertionError("the request was not refused");
    }

    @Test
    @Order(10)
    void onlyInsecureLoopbackServesPlainHttpWithAWarningAndNeverOffLoopback() throws Exception {
        Path insecure = dir.resolve("insecure");
        Files.createDirectories(insecure);
        // off loopback: refused before anything listens
        Process refused = new ProcessBuilder(java(), "-jar", ApiServerProcess.jar().toString(), "apiserver", "--insecure-loopback",
                "--listen", "0.0.0.0:0", "--data-dir", insecure.resolve("data").toString()).redirectErrorStream(true).start();
        String refusal = new String(refused.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).as(refusal).isEqualTo(2);
        assertThat(refusal).contains("--insecure-loopback needs a loopback --listen address, not 0.0.0.0");
        // on loopback: plain HTTP, said loudly
        Path log = insecure.resolve("apiserver.log");
        Process plain = new ProcessBuilder(java(), "-jar", ApiServerProcess.jar().toString(), "apiserver", "--insecure-loopback",
                "--listen", "127.0.0.1:0", "--data-dir", insecure.resolve("data").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("apiserver listening on") && plain.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String printed = Files.readString(log);
            assertThat(printed).containsPattern("WARN +\\[apiserver\\] --insecure-loopback: the API on 127\\.0\\.0\\.1 is plain HTTP with no authentication")
                    .containsPattern("apiserver listening on http://127\\.0\\.0\\.1:\\d+");
            System.out.println("verified: --insecure-loopback is refused off loopback (exit 2: " + refusal.lines().findFirst().orElse("")
                    + ") and on loopback serves plain HTTP after: " + printed.lines().filter(l -> l.contains(" WARN ")).findFirst().orElse(""));
        } finally {
            plain.destroy();
            plain.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static KubernetesClient client(Path kubeconfig) {
        Config config = Config.fromKubeconfig(null, kubeconfig.toFile());
        config.setHttp2Disable(true);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code java -jar coxswain.jar args} (its output files in {@code dir}) and returns what it printed on stdout. */
    static String coxswain(Path dir, String... args) throws Exception {
        Run run = coxswainRun(dir, args);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return run.stdout();
    }

    record Run(int exitCode, String stdout, String stderr) {
    }

    /** {@code java -jar coxswain.jar args}: its exit code and what it printed, whatever the outcome. */
    static Run coxswainRun(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", ApiServerProcess.jar().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "coxswain", ".out");
        Path err = Files.createTempFile(dir, "coxswain", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** kubectl's first success within 10 s. */
    static Kubectl.Result awaitSuccess(Kubectl kubectl, String... args) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Kubectl.Result last;
        do {
            last = kubectl.run(args);
            if (last.exitCode() == 0) {
                return last;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("kubectl " + String.join(" ", args) + " kept failing: " + last.stderr());
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }

    private static Path writeKubeconfigWithAWrongToken() throws IOException {
        String admin = Files.readString(data.resolve("kubeconfig"));
        return Kubeconfig.writePrivate(dir.resolve("nobody.kubeconfig"), admin.substring(0, admin.indexOf("users:"))
                + "users:\n- name: \"system:admin\"\n  user:\n    token: not-a-token\n");
    }

    /** TLS that trusts the certificates the cluster CA in {@code caFile} signed, and no other. */
    static SSLContext trusting(Path caFile) throws Exception {
        return io.coxswain.tests.cluster.AdminHttp.trusting(caFile);
    }
}
