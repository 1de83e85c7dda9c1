package io.coxswain.tests.vscode;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.scheduler.Scheduler;
import io.coxswain.scheduler.SchedulerOptions;
import io.coxswain.tests.SharedFiles;
import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VS Code extension in real VS Code: builds, unit-tests and packages {@code vscode-extension/}, installs the .vsix
 * into code-server with {@code --install-extension}, and has {@code tests/vscode-e2e/drive.mjs} drive it in headless
 * Chromium: completion and diagnostics from our server while typing, "Coxswain: Restart the language server" (completion
 * still answers), the protocol trace (coxswain.trace.server) and the server's own log in its output channel, then
 * "Coxswain: Deploy" of a Deployment onto a real cluster (apiserver, scheduler, controllers and a Docker kubelet in
 * this JVM) until the code lens says "● Running". Screenshots land in {@code tests/target/vscode-screenshots/}.
 * {@code ./coxswain test} installs Chromium, code-server and the extension's packages; without them this test fails
 * and says what is missing.
 */
class VsCodeExtensionTest {

    private static final Path ROOT = SharedFiles.projectRoot();
    private static final Path EXTENSION = ROOT.resolve("vscode-extension");
    private static final Path E2E = ROOT.resolve("tests/vscode-e2e");
    private static final Path SCREENSHOTS = ROOT.resolve("tests/target/vscode-screenshots");
    private static final Path CODE_SERVER = E2E.resolve("node_modules/code-server/out/node/entry.js");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void theExtensionCompletesDiagnosesAndDeploysInCodeServer(@TempDir Path dir) throws Exception {
        requirePrerequisites();
        long t0 = System.nanoTime();

        // build, unit-test and package the extension as a developer does
        run(EXTENSION, dir.resolve("npm-build.log"), Duration.ofMinutes(2), "npm", "run", "build");
        String unit = run(EXTENSION, dir.resolve("npm-test.log"), Duration.ofMinutes(2), "npm", "test");
        assertThat(unit).as("the extension's unit tests").contains("# fail 0").containsPattern("# pass [1-9]");
        Path vsix = EXTENSION.resolve("coxswain.vsix");
        Files.deleteIfExists(vsix);
        run(EXTENSION, dir.resolve("npm-package.log"), Duration.ofMinutes(2), "npm", "run", "package");
        assertThat(vsix).as("npm run package makes the .vsix").isRegularFile();
        System.out.printf("vscode: extension built, unit-tested and packaged in %d ms%n", ms(t0));

        // code-server's own folders, so that nothing is read from or written to this user's home
        Path userData = Files.createDirectories(dir.resolve("code-server/user-data"));
        Path extensions = Files.createDirectories(dir.resolve("code-server/extensions"));
        Files.createDirectories(userData.resolve("User"));
        Files.writeString(userData.resolve("User/settings.json"), USER_SETTINGS);
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.resolve("code-server/config").toString(),
                "XDG_DATA_HOME", dir.resolve("code-server/data").toString(),
                "XDG_CACHE_HOME", dir.resolve("code-server/cache").toString(),
                "JAVA_HOME", System.getProperty("java.home"));
        long t1 = System.nanoTime();
        String installed = run(E2E, dir.resolve("install-extension.log"), Duration.ofMinutes(2), env, "node", CODE_SERVER.toString(),
                "--user-data-dir", userData.toString(), "--extensions-dir", extensions.toString(), "--install-extension", vsix.toString());
        assertThat(installed).contains("was successfully installed");
        assertThat(extensions.resolve("coxswain.coxswain-0.1.0/server/coxswain-language-server.jar")).as("the jar inside the installed extension")
                .isRegularFile();
        System.out.printf("vscode: installed with code-server --install-extension in %d ms%n", ms(t1));

        DockerNode node = null;
        Scheduler scheduler = null;
        ControllerManager controllers = null;
        Process codeServer = null;
        try {
            long t2 = System.nanoTime();
            node = DockerNode.start(Files.createDirectories(dir.resolve("cluster")));
            scheduler = Scheduler.start(node.client, SchedulerOptions.defaults());
            controllers = ControllerManager.start(node.client, ControllerOptions.defaults());
            System.out.printf("vscode: cluster with a Docker node %s started in %d ms%n", node.nodeName, ms(t2));

            Path workspace = Files.createDirectories(dir.resolve("workspace"));
            Files.createDirectories(workspace.resolve(".vscode"));
            Files.writeString(workspace.resolve(".vscode/settings.json"), "{ \"coxswain.cluster.kubeconfig\": \""
                    + node.cluster.kubeconfig().toString().replace("\\", "\\\\") + "\" }\n");
            Files.writeString(workspace.resolve("edit.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: typed\n");
            Files.writeString(workspace.resolve("web.yaml"), WEB);

            int port = freePort();
            long t3 = System.nanoTime();
            List<String> command = List.of("node", CODE_SERVER.toString(), "--bind-addr", "127.0.0.1:" + port, "--auth", "none",
                    "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
                    "--user-data-dir", userData.toString(), "--extensions-dir", extensions.toString());
            ProcessBuilder pb = new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("code-server.log").toFile());
            pb.environment().putAll(env);
            codeServer = pb.start();
            awaitHttp("http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(60), codeServer, dir.resolve("code-server.log"));
            System.out.printf("vscode: code-server answers on 127.0.0.1:%d after %d ms%n", port, ms(t3));

            long t4 = System.nanoTime();
            deleteRecursively(SCREENSHOTS);
            Map<String, String> driveEnv = new java.util.HashMap<>(env);
            // the status bar names the context of the cluster's admin kubeconfig
            driveEnv.put("KUBE_CONTEXT", io.coxswain.tests.cluster.AdminHttp.config(node.cluster.kubeconfig()).getCurrentContext().getName());
            driveEnv.putAll(Map.of("CODE_URL", "http://127.0.0.1:" + port, "WORKSPACE", workspace.toString(),
                    "SCREENSHOTS", SCREENSHOTS.toString(), "CHROMIUM", CHROMIUM.toString(), "OLD_JAVA_HOME", oldJdk(dir).toString()));
            Result drive = runAnyExit(E2E, dir.resolve("drive.log"), Duration.ofMinutes(6), driveEnv, "node", "drive.mjs");
            System.out.println(drive.output.strip());
            System.out.printf("vscode: the browser session took %d ms%n", ms(t4));
            assertThat(drive.exitCode).as("drive.mjs failed; its output:\n%s\ncode-server's log: %s", drive.output,
                    dir.resolve("code-server.log")).isZero();
            assertThat(drive.output).contains("PASS completion", "PASS diagnostics", "PASS restart", "PASS trace",
                    "PASS server log", "PASS code lenses", "PASS dry run", "PASS deploy",
                    "PASS running", "PASS cluster view", "PASS status bar", "PASS diff", "PASS logs", "PASS java check", "DONE");
            assertThat(SCREENSHOTS.resolve("01-completion.png")).isRegularFile();
            assertThat(SCREENSHOTS.resolve("05-deployed.png")).isRegularFile();

            // what the editor showed is what the cluster holds: the Deployment, and its pod running in Docker
            Deployment web = node.client.apps().deployments().inNamespace("default").withName("web").get();
            assertThat(web).as("the Deployment that Deploy applied").isNotNull();
            assertThat(web.getMetadata().getManagedFields()).as("applied by the language server's field manager")
                    .anyMatch(f -> "coxswain".equals(f.getManager()));
            List<Pod> pods = node.client.pods().inNamespace("default").withLabel("app", "web").list().getItems();
            assertThat(pods).anyMatch(DockerNode::running);
            assertThat(node.containers()).as("the pod's containers in Docker").isNotEmpty();
            System.out.printf("vscode: screenshots in %s; whole test %d ms%n", SCREENSHOTS, ms(t0));
        } finally {
            if (codeServer != null) {
                stop(codeServer);
            }
            if (controllers != null) {
                controllers.close();
            }
            if (scheduler != null) {
                scheduler.close();
            }
            if (node != null) {
                node.close();
            }
        }
    }

    private static final String USER_SETTINGS = """
            {
              "workbench.startupEditor": "none",
              "workbench.tips.enabled": false,
              "workbench.enableExperiments": false,
              "security.workspace.trust.enabled": false,
              "telemetry.telemetryLevel": "off",
              "update.mode": "none",
              "extensions.autoUpdate": false,
              "extensions.autoCheckUpdates": false,
              "git.enabled": false,
              "editor.autoIndent": "none",
              "editor.autoClosingBrackets": "never",
              "editor.autoClosingQuotes": "never",
              "editor.acceptSuggestionOnEnter": "off",
              "editor.quickSuggestions": { "other": false, "comments": false, "strings": false }
            }
            """;

    private static final String WEB = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: web
                    image: coxswain/busybox:1
                    imagePullPolicy: Never
                    command: ["sh", "-c", "echo web is up; exec httpd -f -p 8080"]
            """;

    /** A JDK folder whose java says it is 11, for the extension's check of the Java version. */
    private static Path oldJdk(Path dir) throws IOException {
        Path java = Files.createDirectories(dir.resolve("jdk-11/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        java.toFile().setExecutable(true);
        return dir.resolve("jdk-11");
    }

    /** What ./coxswain test installs; each missing piece fails the test with the command that brings it. */
    private static void requirePrerequisites() throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(ROOT.resolve("language-server/target/coxswain-language-server.jar"))) {
            missing.add("the language server jar (mvn -B -pl language-server -am package -DskipTests)");
        }
        if (!Files.isDirectory(EXTENSION.resolve("node_modules/vscode-languageclient"))) {
            missing.add("the extension's packages (cd vscode-extension && npm ci)");
        }
        if (!Files.isRegularFile(CODE_SERVER) || !Files.isDirectory(E2E.resolve("node_modules/code-server/lib/vscode/node_modules"))
                || !Files.isDirectory(E2E.resolve("node_modules/playwright-core"))) {
            missing.add("code-server and playwright-core (tests/vscode-e2e/install.sh)");
        }
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("Chromium at " + CHROMIUM + " (apt-get install chromium)");
        }
        Result docker = runAnyExit(ROOT, Files.createTempFile("docker-info", ".log"), Duration.ofSeconds(30), Map.of(), "docker", "info");
        if (docker.exitCode != 0) {
            missing.add("a running Docker engine (./coxswain test starts one)");
        }
        assertThat(missing).as("the VS Code test needs what ./coxswain test installs; missing").isEmpty();
    }

    record Result(int exitCode, String output) {
    }

    private static String run(Path cwd, Path log, Duration timeout, String... command) throws IOException, InterruptedException {
        return run(cwd, log, timeout, Map.of(), command);
    }

    private static String run(Path cwd, Path log, Duration timeout, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        Result r = runAnyExit(cwd, log, timeout, env, command);
        assertThat(r.exitCode).as("`%s` in %s exited with %d:\n%s", String.join(" ", command), cwd, r.exitCode, r.output).isZero();
        return r.output;
    }

    private static Result runAnyExit(Path cwd, Path log, Duration timeout, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        // no input: a tool that asks a question fails instead of waiting for the timeout
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, command[0] + " could not start: " + e.getMessage());
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop(p);
            return new Result(124, "timed out after " + timeout + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Ends a process this test started and every process it started (code-server's extension host and our server). */
    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
    }

    private static void awaitHttp(String url, Duration timeout, Process server, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("code-server exited; its log:\n%s", Files.readString(log)).isTrue();
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("code-server did not answer " + url + " within " + timeout + "; its log:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
