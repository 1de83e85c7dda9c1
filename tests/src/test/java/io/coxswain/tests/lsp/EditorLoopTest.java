package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.coxswain.tests.SharedFiles;
import io.coxswain.tests.cluster.LocalCoxswain;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole editor loop (issue 8), from an LSP client over stdio: {@code ./coxswain up} with the Docker kubelet, our
 * language server with the cluster link's settings (language-server/CLUSTER-LINK.md), the files of {@code examples/}
 * opened as an editor opens them, a Deployment and a Service applied with {@code coxswain.apply}, their containers
 * checked in Docker, the status in code lenses, diagnostics and {@code coxswain/status}, a missing image, a delete, a
 * 422 placed on its node, and typing with completion while the backend is down. The example files are only read:
 * every edit goes to the server through didChange. Each step depends on the ones before it; a step whose
 * prerequisite failed fails at once, naming it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EditorLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SOURCE = "coxswain-cluster";
    private static final String MISSING_IMAGE = "127.0.0.1:9/coxswain/missing:1";
    private static final List<String> COMMANDS = List.of("coxswain.apply", "coxswain.dryRun", "coxswain.delete", "coxswain.diff", "coxswain.logs");
    /** The kinds whose status CLUSTER-LINK.md defines. */
    private static final Set<String> STATUS_KINDS = Set.of("Pod", "Deployment", "ReplicaSet", "Job", "CronJob", "Service");
    /** DESIGN.md's budget for completion at p95; printed beside the figures, never asserted. */
    private static final double COMPLETION_P95_BUDGET_MS = 10;

    @TempDir
    static Path dir;

    private LocalCoxswain cluster;
    private LspClient client;
    private InitializeResult initialized;
    private final Set<String> passed = new HashSet<>();
    /** The editor's text of each open document, kept in step with the didChange sent. */
    private final Map<String, String> texts = new LinkedHashMap<>();
    private String deployment;
    private String service;
    private long deploymentAppliedNanos;

    @BeforeAll
    void upAndStartTheServer() throws Exception {
        String node = "loop-" + UUID.randomUUID().toString().substring(0, 8);
        long start = System.nanoTime();
        cluster = LocalCoxswain.up(dir.resolve("data"), node, Duration.ofMinutes(10));
        System.out.printf("verified: ./coxswain up in %.1f s: API at %s, node %s on Docker, kubeconfig %s%n",
                (System.nanoTime() - start) / 1e9, cluster.server(), cluster.writtenNodeName(), cluster.kubeconfig());
        assertThat(cluster.writtenNodeName()).isEqualTo(node);

        client = LspClient.start(LspServers.OURS, LspServers.oursOrFail(), LspServers.workDir().resolve("editor-loop.stderr.log"));
        Map<String, Object> settings = Map.of("coxswain", Map.of("cluster", Map.of("kubeconfig", cluster.kubeconfig().toString())));
        initialized = client.initialize(examples(), settings, WAIT, LspClient::clusterLinkCapabilities);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (cluster != null) {
                System.out.println("./coxswain down: " + cluster.down().strip().replace('\n', ' '));
                // the data directory goes with the test; its log stays for a look after a failure
                Path log = LspServers.workDir().resolve("editor-loop-coxswain.log");
                Files.writeString(log, cluster.log());
                System.out.println("logs: " + log + ", " + LspServers.workDir().resolve("editor-loop.stderr.log"));
            }
        }
    }

    @Test
    @Order(1)
    void theServerOffersTheCommandsAndConnects() throws Exception {
        assertThat(initialized.getCapabilities().getExecuteCommandProvider()).as("executeCommandProvider").isNotNull();
        assertThat(initialized.getCapabilities().getExecuteCommandProvider().getCommands()).containsAll(COMMANDS);
        assertThat(initialized.getCapabilities().getCodeLensProvider()).as("codeLensProvider").isNotNull();
        LspClient.Notice connected = client.awaitStatus(0, s -> "connected".equals(connectionState(s)), WAIT);
        assertThat(connected).as("a coxswain/status with connection.state connected; got " + client.statuses()).isNotNull();
        JsonObject connection = connected.params().getAsJsonObject("connection");
        assertThat(connection.get("server").getAsString()).isEqualTo(cluster.server());
        System.out.println("verified: the server lists " + COMMANDS + " and code lenses, and coxswain/status says " + connection);
        passed.add("connect");
    }

    @Test
    @Order(2)
    void theExamplesOpenWithDeployLenses() throws Exception {
        try (Stream<Path> files = Files.list(examples())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String uri = file.toUri().toString();
                texts.put(uri, Files.readString(file));
                client.open(uri, texts.get(uri));
            }
        }
        deployment = examples().resolve("deployment.yaml").toUri().toString();
        service = examples().resolve("service.yaml").toUri().toString();
        passed.add("opened");
        requires("connect");
        for (String uri : texts.keySet()) {
            List<String> kinds = texts.get(uri).lines().filter(l -> l.startsWith("kind:")).map(l -> l.substring(5).strip()).toList();
            List<CodeLens> lenses = awaitLenses(uri, l -> titles(l).stream().filter("Deploy"::equals).count() == kinds.size(), WAIT);
            assertThat(statusLenses(lenses)).as("no status before anything is deployed: " + uri).isEmpty();
            // Delete only once the object exists; the server cannot know that of a kind it does not follow (ConfigMap)
            if (STATUS_KINDS.containsAll(kinds)) {
                assertThat(titles(lenses)).as(uri).doesNotContain("Delete");
            }
        }
        List<CodeLens> lenses = client.codeLenses(deployment).get();
        CodeLens deploy = lenses.stream().filter(l -> "Deploy".equals(l.getCommand().getTitle())).findFirst().orElseThrow();
        assertThat(deploy.getCommand().getCommand()).isEqualTo("coxswain.apply");
        assertThat(argument(deploy).get("uri").getAsString()).isEqualTo(deployment);
        assertThat(argument(deploy).get("document").getAsInt()).isZero();
        assertThat(lenses.stream().filter(l -> "Diff".equals(l.getCommand().getTitle())).findFirst().orElseThrow().getCommand().getCommand())
                .isEqualTo("coxswain.diff");
        System.out.println("verified: " + texts.size() + " example files open; each document has Deploy and Diff lenses and no status, "
                + "none of a followed kind has Delete; deployment.yaml's Deploy runs coxswain.apply " + deploy.getCommand().getArguments());
        passed.add("open");
    }

    @Test
    @Order(3)
    void theDeploymentAndServiceApply() throws Exception {
        requires("open");
        replace(deployment, "  replicas: 3", "  replicas: 2");
        deploymentAppliedNanos = System.nanoTime();
        JsonObject web = apply(deployment, 0);
        assertThat(web.get("ok").getAsBoolean()).as(web.toString()).isTrue();
        assertThat(web.get("kind").getAsString()).isEqualTo("Deployment");
        assertThat(web.get("name").getAsString()).isEqualTo("web");
        assertThat(web.get("namespace").getAsString()).isEqualTo("default");
        System.out.printf("verified: coxswain.apply of deployment.yaml (replicas edited to 2 in the editor) in %d ms: %s%n",
                (System.nanoTime() - deploymentAppliedNanos) / 1_000_000, web.get("message"));
        JsonObject svc = apply(service, 0);
        assertThat(svc.get("ok").getAsBoolean()).as(svc.toString()).isTrue();
        assertThat(svc.get("kind").getAsString()).isEqualTo("Service");
        System.out.println("verified: coxswain.apply of service.yaml: " + svc.get("message"));
        passed.add("apply");
    }

    @Test
    @Order(4)
    void theContainersRunInDocker() throws Exception {
        requires("apply");
        TreeSet<String> pods = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            pods = cluster.podsRunning("web");
            if (pods.size() == 2) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(pods).as("pods of node " + cluster.nodeName + " with a running web container; containers: " + cluster.containers())
                .hasSize(2).allMatch(p -> p.startsWith("web-"));
        System.out.printf("verified: docker runs the web container of 2 pods %s on node %s, %d ms after the apply%n",
                pods, cluster.nodeName, (System.nanoTime() - deploymentAppliedNanos) / 1_000_000);
        passed.add("docker");
    }

    @Test
    @Order(5)
    void theStatusReachesRunningInLensesAndDiagnostics() throws Exception {
        requires("apply");
        long deadline = deploymentAppliedNanos + Duration.ofSeconds(30).toNanos();
        long lensAt = -1;
        long diagnosticAt = -1;
        Set<String> seen = new LinkedHashSet<>();
        while (System.nanoTime() < deadline && (lensAt < 0 || diagnosticAt < 0)) {
            List<CodeLens> lenses = client.codeLenses(deployment).get();
            statusLenses(lenses).forEach(l -> seen.add(l.getCommand().getTitle()));
            if (lensAt < 0 && statusLenses(lenses).stream().anyMatch(l -> l.getCommand().getTitle().contains("Running 2/2"))) {
                lensAt = System.nanoTime();
            }
            if (diagnosticAt < 0 && clusterDiagnostics(deployment).stream().anyMatch(d -> text(d).contains("Running 2/2"))) {
                diagnosticAt = System.nanoTime();
            }
            Thread.sleep(100);
        }
        System.out.printf("the status lens went through %s%n", seen);
        assertThat(lensAt).as("a status lens with Running 2/2 within 30 s of the apply; lenses now: " + titles(client.codeLenses(deployment).get()))
                .isPositive();
        assertThat(diagnosticAt).as("a coxswain-cluster diagnostic with Running 2/2 within 30 s of the apply; now: " + clusterDiagnostics(deployment))
                .isPositive();
        System.out.printf("verified: Running 2/2 reached the code lens %d ms and the diagnostics %d ms after coxswain.apply (budget 30 s)%n",
                (lensAt - deploymentAppliedNanos) / 1_000_000, (diagnosticAt - deploymentAppliedNanos) / 1_000_000);

        Diagnostic running = clusterDiagnostics(deployment).stream().filter(d -> text(d).contains("Running 2/2")).findFirst().orElseThrow();
        assertThat(running.getSeverity()).isEqualTo(DiagnosticSeverity.Information);
        assertThat(running.getRange().getStart().getLine()).as("on the kind line").isEqualTo(lineOf(deployment, "kind: Deployment"));
        List<CodeLens> lenses = client.codeLenses(deployment).get();
        assertThat(titles(lenses)).contains("Deploy", "Diff", "Delete");
        CodeLens status = statusLenses(lenses).get(0);
        assertThat(status.getCommand().getCommand()).isEqualTo("coxswain.logs");
        // a click on the status lens: the logs of the Deployment's first pod
        JsonObject logs = result(client.executeCommand(status.getCommand().getCommand(), status.getCommand().getArguments().toArray()).get());
        assertThat(logs.get("ok").getAsBoolean()).as(logs.toString()).isTrue();
        assertThat(logs.get("pod").getAsString()).startsWith("web-");
        assertThat(logs.has("logs")).as("the result has the logs text: " + logs).isTrue();
        System.out.println("verified: the diagnostic is Information on the kind line (\"" + text(running)
                + "\"); the lenses are " + titles(lenses) + ", the status one runs coxswain.logs, which answers the logs of pod "
                + logs.get("pod").getAsString() + (logs.has("container") ? "/" + logs.get("container").getAsString() : "") + " (" + logs.get("logs").getAsString().length() + " characters)");

        JsonObject object = awaitStatusObject(deployment, o -> o.get("text").getAsString().contains("Running 2/2")
                && o.getAsJsonArray("pods").size() == 2, WAIT);
        assertThat(object.get("severity").getAsString()).isEqualTo("info");
        assertThat(object.get("kind").getAsString()).isEqualTo("Deployment");
        for (JsonElement pod : object.getAsJsonArray("pods")) {
            assertThat(pod.getAsJsonObject().get("phase").getAsString()).isEqualTo("Running");
            assertThat(pod.getAsJsonObject().get("ready").getAsString()).isEqualTo("1/1");
        }
        System.out.println("verified: coxswain/status has the Deployment with 2 running pods: " + object.get("pods"));

        List<CodeLens> serviceLenses = awaitLenses(service, l -> statusLenses(l).stream()
                .anyMatch(s -> s.getCommand().getTitle().contains("2 endpoints ready")), WAIT);
        assertThat(serviceLenses).as("the Service's status lens reaches 2 endpoints ready").isNotNull();
        System.out.println("verified: the Service's lens says " + titles(statusLenses(serviceLenses)));

        assertThat(client.codeLensRefreshes()).as("workspace/codeLens/refresh sent while the status changed").isPositive();
        Set<String> tokens = new HashSet<>(client.createdProgressTokens());
        List<LspClient.Notice> progress = client.progress();
        Set<String> begun = kinds(progress, "begin");
        assertThat(begun).as("$/progress begin on a token from window/workDoneProgress/create; progress: " + progress)
                .isNotEmpty().allMatch(tokens::contains);
        long progressDeadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < progressDeadline && !kinds(client.progress(), "end").containsAll(begun)) {
            Thread.sleep(100);
        }
        progress = client.progress();
        assertThat(kinds(progress, "end")).as("each deploy's progress ends once its object is ready").containsAll(begun);
        System.out.printf("verified: %d codeLens refreshes; the deploy's $/progress: %s%n", client.codeLensRefreshes(),
                progress.stream().map(n -> n.params().get("value").toString()).toList());

        Hover hover = client.hover(deployment, new Position(lineOf(deployment, "  name: web"), 9)).get();
        String hoverText = hover == null ? "" : hover.getContents().isRight() ? hover.getContents().getRight().getValue()
                : hover.getContents().getLeft().toString();
        assertThat(hoverText).as("hover on metadata.name shows the live conditions").contains("Available");
        System.out.println("verified: hover on metadata.name: " + hoverText.replace('\n', ' '));
        passed.add("running");
    }

    @Test
    @Order(6)
    void aMissingImageShowsImagePullBackOff() throws Exception {
        requires("running");
        replace(deployment, "image: coxswain/busybox:1", "image: " + MISSING_IMAGE);
        replace(deployment, "imagePullPolicy: Never", "imagePullPolicy: IfNotPresent");
        long applied = System.nanoTime();
        JsonObject web = apply(deployment, 0);
        assertThat(web.get("ok").getAsBoolean()).as(web.toString()).isTrue();
        Set<String> seen = new LinkedHashSet<>();
        long lensAt = -1;
        long diagnosticAt = -1;
        long deadline = applied + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && (lensAt < 0 || diagnosticAt < 0)) {
            List<CodeLens> lenses = statusLenses(client.codeLenses(deployment).get());
            lenses.forEach(l -> seen.add(l.getCommand().getTitle()));
            if (lensAt < 0 && lenses.stream().anyMatch(l -> l.getCommand().getTitle().contains("ImagePullBackOff"))) {
                lensAt = System.nanoTime();
            }
            if (diagnosticAt < 0 && clusterDiagnostics(deployment).stream().anyMatch(d -> text(d).contains("ImagePullBackOff"))) {
                diagnosticAt = System.nanoTime();
            }
            Thread.sleep(200);
        }
        System.out.println("the status lens went through " + seen);
        assertThat(lensAt).as("a status lens with ImagePullBackOff within 90 s; seen " + seen).isPositive();
        assertThat(diagnosticAt).as("a diagnostic with ImagePullBackOff within 90 s; now " + clusterDiagnostics(deployment)).isPositive();
        Diagnostic backoff = clusterDiagnostics(deployment).stream().filter(d -> text(d).contains("ImagePullBackOff")).findFirst().orElseThrow();
        assertThat(backoff.getSeverity()).as("backing off is a Warning or an Error").isIn(DiagnosticSeverity.Warning, DiagnosticSeverity.Error);
        System.out.printf("verified: %s ImagePullBackOff in the lens after %d ms and in a %s diagnostic after %d ms: \"%s\"%n",
                MISSING_IMAGE, (lensAt - applied) / 1_000_000, backoff.getSeverity(), (diagnosticAt - applied) / 1_000_000, text(backoff));
        JsonObject object = awaitStatusObject(deployment, o -> o.getAsJsonArray("pods").asList().stream()
                .anyMatch(p -> p.getAsJsonObject().get("text").getAsString().contains("ImagePullBackOff")), WAIT);
        System.out.println("verified: coxswain/status has the failing pod: " + object.get("pods"));
        // maxUnavailable 0: the two old pods keep serving while the new one cannot pull
        assertThat(cluster.podsRunning("web")).hasSize(2);
        System.out.println("verified: the two old web containers still run in Docker");
        passed.add("backoff");
    }

    @Test
    @Order(7)
    void aConflictOffersForceApply() throws Exception {
        requires("apply");
        // someone else scales the Deployment: spec.replicas now has another manager, and the editor's 2 conflicts with its 3
        try (io.fabric8.kubernetes.client.KubernetesClient other = cluster.newClient()) {
            other.apps().deployments().inNamespace("default").withName("web").scale(3);
        }
        int asked = client.messageRequests().size();
        client.answerMessageRequests(request -> request.getActions() == null ? null
                : request.getActions().stream().filter(a -> "Force apply".equals(a.getTitle())).findFirst().orElse(null));
        try {
            JsonObject conflict = apply(deployment, 0);
            assertThat(conflict.get("ok").getAsBoolean()).as(conflict.toString()).isFalse();
            assertThat(conflict.get("conflict").getAsBoolean()).as(conflict.toString()).isTrue();
            assertThat(conflict.get("message").getAsString()).contains("replicas");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && client.messageRequests().size() == asked) {
                Thread.sleep(100);
            }
            assertThat(client.messageRequests()).as("window/showMessageRequest after the conflict").hasSizeGreaterThan(asked);
            org.eclipse.lsp4j.ShowMessageRequestParams request = client.messageRequests().get(asked);
            assertThat(request.getActions()).extracting(org.eclipse.lsp4j.MessageActionItem::getTitle).contains("Force apply");
            Integer replicas = null;
            try (io.fabric8.kubernetes.client.KubernetesClient other = cluster.newClient()) {
                while (System.nanoTime() < deadline && !Integer.valueOf(2).equals(replicas)) {
                    Thread.sleep(100);
                    replicas = other.apps().deployments().inNamespace("default").withName("web").get().getSpec().getReplicas();
                }
            }
            assertThat(replicas).as("spec.replicas after choosing Force apply").isEqualTo(2);
            System.out.println("verified: a scale to 3 by another manager makes the editor's apply a conflict (\""
                    + conflict.get("message").getAsString().lines().findFirst().orElse("") + "\"); the server asked \""
                    + request.getMessage().lines().findFirst().orElse("") + "\" with " + request.getActions().stream().map(a -> a.getTitle()).toList()
                    + ", and Force apply set replicas back to 2");
        } finally {
            client.answerMessageRequests(request -> null);
        }
    }

    @Test
    @Order(8)
    void deleteClearsTheStatus() throws Exception {
        requires("apply");
        for (String uri : List.of(deployment, service)) {
            JsonObject deleted = result(client.executeCommand("coxswain.delete", Map.of("uri", uri, "document", 0)).get());
            assertThat(deleted.get("ok").getAsBoolean()).as(deleted.toString()).isTrue();
            System.out.println("verified: coxswain.delete of " + Path.of(java.net.URI.create(uri)).getFileName() + ": " + deleted.get("message"));
        }
        long deleted = System.nanoTime();
        for (String uri : List.of(deployment, service)) {
            List<CodeLens> lenses = awaitLenses(uri, l -> statusLenses(l).isEmpty() && !titles(l).contains("Delete"), WAIT);
            assertThat(lenses).as("no status lens and no Delete after the delete; now " + titles(client.codeLenses(uri).get())).isNotNull();
        }
        long lensesClear = System.nanoTime();
        long deadline = deleted + WAIT.toNanos();
        while (System.nanoTime() < deadline && !(clusterDiagnostics(deployment).isEmpty() && clusterDiagnostics(service).isEmpty())) {
            Thread.sleep(100);
        }
        assertThat(clusterDiagnostics(deployment)).as("deployment.yaml's cluster diagnostics").isEmpty();
        assertThat(clusterDiagnostics(service)).as("service.yaml's cluster diagnostics").isEmpty();
        long diagnosticsClear = System.nanoTime();
        awaitStatusObjectGone(deployment, WAIT);
        awaitStatusObjectGone(service, WAIT);
        System.out.printf("verified: the status cleared: lenses after %d ms (now %s), diagnostics after %d ms, coxswain/status has neither object%n",
                (lensesClear - deleted) / 1_000_000, titles(client.codeLenses(deployment).get()), (diagnosticsClear - deleted) / 1_000_000);
        long containersDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < containersDeadline && !cluster.podsRunning("web").isEmpty()) {
            Thread.sleep(250);
        }
        assertThat(cluster.podsRunning("web")).as("web containers after the delete").isEmpty();
        System.out.println("verified: Docker runs no web container any more");
        passed.add("delete");
    }

    @Test
    @Order(9)
    void a422LandsOnTheNodeItNames() throws Exception {
        requires("connect");
        // the schema allows any port number; only the apiserver knows the node port range (30000-32767);
        // the selector is deployment.yaml's, so that the editor finds nothing at all in this file
        Path file = Files.writeString(dir.resolve("nodeport.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: loop-nodeport
                spec:
                  type: NodePort
                  selector:
                    app.kubernetes.io/name: web
                  ports:
                    - name: http
                      port: 80
                      nodePort: 40000
                """);
        String uri = file.toUri().toString();
        texts.put(uri, Files.readString(file));
        client.open(uri, texts.get(uri));
        client.awaitDiagnostics(uri, 0, p -> true, Duration.ofSeconds(2));
        assertThat(client.published(uri).stream().flatMap(p -> p.diagnostics().stream()).toList())
                .as("the editor itself finds nothing wrong").isEmpty();
        int messagesBefore = client.messages().size();
        int requestsBefore = client.messageRequests().size();
        int seen = client.publishedCount(uri);
        JsonObject rejected = apply(uri, 0);
        assertThat(rejected.get("ok").getAsBoolean()).as(rejected.toString()).isFalse();
        assertThat(rejected.get("code").getAsInt()).isEqualTo(422);
        int line = lineOf(uri, "nodePort: 40000");
        LspClient.Published published = client.awaitDiagnostics(uri, seen, p -> p.diagnostics().stream()
                .anyMatch(d -> SOURCE.equals(d.getSource()) && d.getSeverity() == DiagnosticSeverity.Error), WAIT);
        assertThat(published).as("an Error diagnostic from coxswain-cluster for the 422; got " + client.published(uri)).isNotNull();
        Diagnostic error = published.diagnostics().stream().filter(d -> SOURCE.equals(d.getSource())).findFirst().orElseThrow();
        Range range = error.getRange();
        int column = texts.get(uri).lines().toList().get(line).indexOf("nodePort");
        assertThat(range.getStart().getLine()).as("the diagnostic's line: " + error).isEqualTo(line);
        assertThat(range.getStart().getCharacter()).as("starts at the nodePort key or its value").isGreaterThanOrEqualTo(column);
        assertThat(text(error)).contains("30000-32767");
        assertThat(client.messages().subList(messagesBefore, client.messages().size())).as("no pop-up").isEmpty();
        assertThat(client.messageRequests().subList(requestsBefore, client.messageRequests().size())).as("no pop-up").isEmpty();
        System.out.printf("verified: the 422 (%s) is an Error on line %d, characters %d-%d (%s), not a pop-up%n",
                rejected.get("message").getAsString(), line, range.getStart().getCharacter(), range.getEnd().getCharacter(),
                texts.get(uri).lines().toList().get(line).strip());

        // it stays while the document is edited, and goes with the next apply
        replace(uri, "nodePort: 40000", "nodePort: 30999");
        Thread.sleep(500);
        assertThat(clusterDiagnostics(uri)).as("the server's error stays until the next apply").isNotEmpty();
        JsonObject accepted = apply(uri, 0);
        assertThat(accepted.get("ok").getAsBoolean()).as(accepted.toString()).isTrue();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && clusterDiagnostics(uri).stream().anyMatch(d -> d.getSeverity() == DiagnosticSeverity.Error)) {
            Thread.sleep(100);
        }
        assertThat(clusterDiagnostics(uri)).as("no error after a good apply").noneMatch(d -> d.getSeverity() == DiagnosticSeverity.Error);
        JsonObject deleted = result(client.executeCommand("coxswain.delete", Map.of("uri", uri, "document", 0)).get());
        assertThat(deleted.get("ok").getAsBoolean()).as(deleted.toString()).isTrue();
        System.out.println("verified: the error stayed through an edit and went with the next apply (nodePort 30999, then deleted)");
        passed.add("422");
    }

    @Test
    @Order(10)
    void typingWhileTheBackendIsDown() throws Exception {
        requires("opened");
        // a new key typed letter by letter in the container, completion after each letter, then the line removed;
        // the first 100 warm the server up, the next 200 are the figures while connected
        int after = lineOf(deployment, "imagePullPolicy:");
        type(deployment, after + 1, 100, n -> true);
        List<Sample> connected = type(deployment, after + 1, 200, n -> true);
        int seen = client.statuses().size();
        // ./coxswain down runs beside the typing, which goes on through the outage: at least 300 completions, and on
        // until down has finished and the status says unreachable (at most 30 s after down began)
        long downAt = System.nanoTime();
        java.util.concurrent.CompletableFuture<String> down = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                String printed = cluster.down();
                return String.format("%s (%d ms)", printed.strip().replace('\n', ' '), (System.nanoTime() - downAt) / 1_000_000);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        List<Sample> outage = type(deployment, after + 1, 300, n -> down.isDone()
                && (System.nanoTime() - downAt > Duration.ofSeconds(30).toNanos() || client.statuses().subList(seen, client.statuses().size())
                        .stream().anyMatch(s -> "unreachable".equals(connectionState(s.params())))));
        System.out.println("./coxswain down while typing: " + down.get());
        System.out.printf("completion while connected: %s; from ./coxswain down on: %s (budget p95 <= %.0f ms)%n",
                percentiles(connected, downAt), percentiles(outage, downAt), COMPLETION_P95_BUDGET_MS);
        LspClient.Notice unreachable = client.awaitStatus(seen, s -> "unreachable".equals(connectionState(s)), WAIT);
        assertThat(unreachable).as("coxswain/status says unreachable after ./coxswain down; got "
                + client.statuses().subList(seen, client.statuses().size())).isNotNull();
        String message = unreachable.params().getAsJsonObject("connection").get("message").getAsString();
        assertThat(message).contains("unreachable");
        System.out.printf("verified: %d completions while the backend was down all answered with items; coxswain/status said "
                + "unreachable %d ms after down began: \"%s\"%n", outage.size(), (unreachable.nanos() - downAt) / 1_000_000, message);
    }

    /**
     * Types {@code workingDir} letter by letter on a new line at {@code line}, 5 ms apart, asking for completion after
     * each letter, then removes the line; at least {@code count} completions, and more, word by word, until
     * {@code done} says so. Each answer must have items. Returns when each was sent and how long it took.
     */
    private List<Sample> type(String uri, int line, int count, Predicate<Integer> done) throws Exception {
        String indent = " ".repeat(10);
        String word = "workingDir";
        List<Sample> latencies = new ArrayList<>();
        while (latencies.size() < count || !done.test(latencies.size())) {
            change(uri, LspClient.range(line, 0, line, 0), indent + "\n");
            for (int i = 0; i < word.length(); i++) {
                Thread.sleep(5);
                change(uri, LspClient.range(line, indent.length() + i, line, indent.length() + i), word.substring(i, i + 1));
                long start = System.nanoTime();
                List<CompletionItem> items = LspClient.await(client.completion(uri, new Position(line, indent.length() + i + 1)), WAIT);
                latencies.add(new Sample(start, System.nanoTime() - start));
                assertThat(items).as("completion after typing \"%s\"", word.substring(0, i + 1)).isNotNull().isNotEmpty();
            }
            change(uri, LspClient.range(line, 0, line + 1, 0), "");
        }
        return latencies;
    }

    /** One completion: when it was sent and how long its answer took, in nanoseconds. */
    private record Sample(long sent, long nanos) {
    }

    /** p50, p95 and the slowest, with when that one was sent relative to {@code zero}. */
    private static String percentiles(List<Sample> samples, long zero) {
        long[] sorted = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
        Sample slowest = samples.stream().max(java.util.Comparator.comparingLong(Sample::nanos)).orElseThrow();
        return String.format("n=%d p50 %.2f ms, p95 %.2f ms, max %.2f ms (sent at %+d ms)", sorted.length, sorted[sorted.length / 2] / 1e6,
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.95) - 1)] / 1e6, sorted[sorted.length - 1] / 1e6,
                (slowest.sent() - zero) / 1_000_000);
    }

    private void requires(String step) {
        if (!passed.contains(step)) {
            fail("this step needs the step \"" + step + "\", which did not pass");
        }
    }

    private static Path examples() {
        return SharedFiles.projectRoot().resolve("examples");
    }

    private JsonObject apply(String uri, int document) throws Exception {
        return result(client.executeCommand("coxswain.apply", Map.of("uri", uri, "document", document)).get());
    }

    /** The one Result of a command's {@code {"results": [...]}}. */
    private static JsonObject result(JsonElement answer) {
        assertThat(answer).as("the command's answer").isNotNull();
        JsonArray results = answer.getAsJsonObject().getAsJsonArray("results");
        assertThat(results).as("results of " + answer).hasSize(1);
        return results.get(0).getAsJsonObject();
    }

    /** Replaces the first occurrence of {@code from} in the editor's text with a didChange of that range. */
    private void replace(String uri, String from, String to) {
        int line = lineOf(uri, from);
        int column = texts.get(uri).lines().toList().get(line).indexOf(from);
        change(uri, LspClient.range(line, column, line, column + from.length()), to);
    }

    private void change(String uri, Range range, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(texts.get(uri).split("\n", -1)));
        int start = offset(lines, range.getStart());
        int end = offset(lines, range.getEnd());
        String old = texts.get(uri);
        texts.put(uri, old.substring(0, start) + text + old.substring(end));
        client.change(uri, range, text);
    }

    private static int offset(List<String> lines, Position at) {
        int offset = 0;
        for (int i = 0; i < at.getLine(); i++) {
            offset += lines.get(i).length() + 1;
        }
        return offset + at.getCharacter();
    }

    private int lineOf(String uri, String text) {
        List<String> lines = texts.get(uri).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError(text + " is not in " + uri);
    }

    /** The coxswain-cluster diagnostics of the last publishDiagnostics for uri. */
    private List<Diagnostic> clusterDiagnostics(String uri) {
        List<LspClient.Published> all = client.published(uri);
        return all.isEmpty() ? List.of()
                : all.get(all.size() - 1).diagnostics().stream().filter(d -> SOURCE.equals(d.getSource())).toList();
    }

    private List<CodeLens> awaitLenses(String uri, Predicate<List<CodeLens>> matches, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<CodeLens> lenses = client.codeLenses(uri).get();
            if (matches.test(lenses)) {
                return lenses;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the code lenses of " + uri + " never matched; last: " + titles(lenses));
            }
            Thread.sleep(100);
        }
    }

    private static String text(Diagnostic d) {
        return d.getMessage() == null ? "" : d.getMessage().isLeft() ? d.getMessage().getLeft() : d.getMessage().getRight().getValue();
    }

    private static List<String> titles(List<CodeLens> lenses) {
        return lenses.stream().map(l -> l.getCommand() == null ? "(unresolved)" : l.getCommand().getTitle()).toList();
    }

    /** The lenses that show a status: every lens but Deploy, Diff and Delete. */
    private static List<CodeLens> statusLenses(List<CodeLens> lenses) {
        return lenses.stream().filter(l -> l.getCommand() != null && !Set.of("Deploy", "Diff", "Delete").contains(l.getCommand().getTitle())).toList();
    }

    private static JsonObject argument(CodeLens lens) {
        Object first = lens.getCommand().getArguments().get(0);
        return first instanceof JsonObject o ? o : new com.google.gson.Gson().toJsonTree(first).getAsJsonObject();
    }

    private static String connectionState(JsonObject status) {
        JsonElement connection = status.get("connection");
        return connection != null && connection.isJsonObject() && connection.getAsJsonObject().has("state")
                ? connection.getAsJsonObject().get("state").getAsString() : null;
    }

    /** The object for uri's first document in the newest coxswain/status, or null. */
    private static JsonObject statusObject(JsonObject status, String uri) {
        JsonElement objects = status.get("objects");
        if (objects == null || !objects.isJsonArray()) {
            return null;
        }
        for (JsonElement o : objects.getAsJsonArray()) {
            JsonObject object = o.getAsJsonObject();
            if (uri.equals(object.get("uri").getAsString()) && object.get("document").getAsInt() == 0) {
                return object;
            }
        }
        return null;
    }

    private JsonObject awaitStatusObject(String uri, Predicate<JsonObject> matches, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<LspClient.Notice> statuses = client.statuses();
            JsonObject object = statuses.isEmpty() ? null : statusObject(statuses.get(statuses.size() - 1).params(), uri);
            if (object != null && matches.test(object)) {
                return object;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("coxswain/status never had a matching object for " + uri + "; last: " + object);
            }
            Thread.sleep(100);
        }
    }

    private void awaitStatusObjectGone(String uri, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject object;
        do {
            List<LspClient.Notice> statuses = client.statuses();
            object = statuses.isEmpty() ? null : statusObject(statuses.get(statuses.size() - 1).params(), uri);
            if (object == null) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("coxswain/status still has " + object);
    }

    /** The tokens of the $/progress notifications of this kind (begin, report, end). */
    private static Set<String> kinds(List<LspClient.Notice> progress, String kind) {
        return progress.stream().filter(n -> n.params().get("value").isJsonObject()
                        && kind.equals(n.params().getAsJsonObject("value").get("kind").getAsString()))
                .map(n -> n.params().get("token").getAsString()).collect(Collectors.toSet());
    }
}
