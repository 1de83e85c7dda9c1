package io.coxswain.tests.lsp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.tests.SharedFiles;

/** The command lines of the servers the LSP suites run, and the settings both are given. */
public final class LspServers {

    public static final String OURS = "coxswain-language-server";
    public static final String PEER = "yaml-language-server";

    private LspServers() {
    }

    /** The JVM options editors start our server with. */
    public static final String EDITOR_JVM_ARGS = "-XX:+UseSerialGC -Xmx1g";

    /**
     * The options that map the AppCDS archive the build leaves next to the jar (language-server/README.md, "Start
     * time"): -Xshare:auto goes on without it when the JDK refuses it, and JVM warnings go to stderr, never to the
     * protocol on stdout.
     */
    public static List<String> archiveArgs(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:disable", "-Xlog:all=warning:stderr");
    }

    /** Our server's jar: -Dcoxswain.ls.jar or COXSWAIN_LS_JAR, else where the language-server module builds it. */
    public static Path ourJar() {
        String given = System.getProperty("coxswain.ls.jar", System.getenv("COXSWAIN_LS_JAR"));
        return given != null ? Path.of(given).toAbsolutePath()
                : SharedFiles.projectRoot().resolve("language-server/target/coxswain-language-server.jar");
    }

    /** The AppCDS archive the build makes next to the jar. */
    public static Path ourArchive() {
        Path jar = ourJar();
        return jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "") + ".jsa");
    }

    /** Our server as editors start it: with the archive when the build made one. */
    public static Optional<List<String>> ours() {
        return ours(true);
    }

    /** Our server, with or without the archive next to the jar (the LSP benchmark measures both). */
    public static Optional<List<String>> ours(boolean withArchive) {
        Path jar = ourJar();
        if (!Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        // as an editor starts it (language-server/README.md): a small serial-GC heap, as vscode-xml starts LemMinX;
        // -Dcoxswain.ls.jvmArgs replaces those options
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jvmArgs = System.getProperty("coxswain.ls.jvmArgs", EDITOR_JVM_ARGS).trim();
        if (!jvmArgs.isEmpty()) {
            command.addAll(List.of(jvmArgs.split("\\s+")));
        }
        if (withArchive && Files.isRegularFile(ourArchive())) {
            command.addAll(archiveArgs(ourArchive()));
        }
        command.addAll(List.of("-jar", jar.toString()));
        return Optional.of(command);
    }

    /** Our server's command, or an assertion error that says what is missing and how to build it. */
    public static List<String> oursOrFail() {
        return ours().orElseThrow(() -> new AssertionError("our language server jar is missing: " + ourJar()
                + " (build it with `mvn -B package -pl language-server -am -DskipTests`, or point -Dcoxswain.ls.jar at it)"));
    }

    public static Path peerScript() {
        return SharedFiles.projectRoot().resolve("tests/lsp-peer/node_modules/yaml-language-server/bin/yaml-language-server");
    }

    public static Optional<List<String>> peer() {
        Path script = peerScript();
        if (!Files.isRegularFile(script)) {
            return Optional.empty();
        }
        return Optional.of(List.of("node", script.toString(), "--stdio"));
    }

    /** Servers the suites that test "our server" run instead, for development: -Dcoxswain.lsp.server=peer. */
    public static List<String> serverUnderTest() {
        if ("peer".equals(System.getProperty("coxswain.lsp.server"))) {
            return peer().orElseThrow(() -> new AssertionError("yaml-language-server is not installed in tests/lsp-peer"));
        }
        return oursOrFail();
    }

    /** The bundled schema, written once per run below the tests module's target folder. */
    public static synchronized Path schemaFile() throws java.io.IOException {
        Path file = SharedFiles.projectRoot().resolve("tests/target/lsp/coxswain-kubernetes.schema.json");
        if (!Files.isRegularFile(file)) {
            KubernetesSchemaBundle.write(SchemaCatalog.standard(), file);
        }
        return file;
    }

    /**
     * The settings both servers receive, as initializationOptions and through workspace/configuration. Ours is
     * pointed at a kubeconfig that does not exist, so a cluster running on the machine never joins a measurement.
     */
    public static Map<String, Object> settings() throws java.io.IOException {
        return Map.of("coxswain", Map.of("cluster", Map.of("kubeconfig", workDir().resolve("no-cluster.kubeconfig").toString())),
                "yaml", Map.of(
                "schemas", Map.of(schemaFile().toUri().toString(), List.of("*.yaml", "*.yml")),
                "validate", true,
                "completion", true,
                "hover", true,
                "format", Map.of("enable", false),
                "maxItemsComputed", 5000));
    }

    /**
     * For an editor that starts our server with no settings (the README's setups): no kubeconfig the server would
     * find, so a cluster running on the machine never joins the test.
     */
    public static void noCluster(Map<String, String> env) throws java.io.IOException {
        env.put("COXSWAIN_DATA", workDir().resolve("no-cluster").toString());
        env.put("KUBECONFIG", workDir().resolve("no-cluster.kubeconfig").toString());
    }

    public static Path workDir() throws java.io.IOException {
        return Files.createDirectories(SharedFiles.projectRoot().resolve("tests/target/lsp"));
    }
}
