package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One editor run with the README's setup for it: the setup block (only the jar's path filled in) and a driver
 * script go to tests/target/lsp/EDITOR, next to a six-document manifest and a YAML file that is not a manifest. The
 * driver gets the places to complete, hover and edit in LSP_* variables and writes what the editor saw as JSON:
 * plain_managed, errors_on_open, completion (labels), hover (text), diagnostics_after_edit ({line, message}), alive.
 */
final class ReadmeSetupRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String EDIT_TEXT = "  bogusField: 1";

    final Path dir;
    final Path setup;
    final Path driver;
    final Path log;
    private final Manifests.File file = Manifests.generate(6);
    private final int editLine = file.start().nameLine() + 1;

    ReadmeSetupRun(String editor, String heading, String language, String setupName, String driverResource)
            throws IOException {
        LspServers.oursOrFail();
        dir = Files.createDirectories(LspServers.workDir().resolve(editor));
        setup = Files.writeString(dir.resolve(setupName), ReadmeSnippets.withJar(heading, language, LspServers.ourJar()));
        driver = dir.resolve(Path.of(driverResource).getFileName().toString());
        try (InputStream in = ReadmeSetupRun.class.getResourceAsStream(driverResource)) {
            Files.copy(in, driver, StandardCopyOption.REPLACE_EXISTING);
        }
        log = dir.resolve(editor + ".log");
    }

    /** Runs {@code command} in the work folder with the LSP_* variables and {@code env}; the driver's JSON, status ok. */
    JsonNode run(List<String> command, Map<String, String> env) throws Exception {
        Path manifest = Files.writeString(dir.resolve("manifest.yaml"), file.text());
        Path plain = Files.writeString(dir.resolve("values.yaml"), "replicaCount: 2\nimage:\n  tag: latest\n");
        Path out = dir.resolve("result.json");
        Files.deleteIfExists(out);
        Manifests.Doc deployment = file.docs().get(2);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> vars = pb.environment();
        LspServers.noCluster(vars);
        vars.put("LSP_PLAIN", plain.toString());
        vars.put("LSP_FILE", manifest.toString());
        vars.put("LSP_OUT", out.toString());
        vars.put("LSP_COMPLETE_LINE", Integer.toString(file.start().keyCompletion().getLine()));
        vars.put("LSP_COMPLETE_COL", Integer.toString(file.start().keyCompletion().getCharacter()));
        vars.put("LSP_HOVER_LINE", Integer.toString(deployment.hover().getLine()));
        vars.put("LSP_HOVER_COL", Integer.toString(deployment.hover().getCharacter()));
        vars.put("LSP_EDIT_LINE", Integer.toString(editLine));
        vars.put("LSP_EDIT_TEXT", EDIT_TEXT);
        vars.putAll(env);
        Process process = pb.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command.get(0) + " did not finish in 240 s; see " + log);
        }
        assertThat(out).as("the driver wrote no result; see " + log).exists();
        JsonNode result = JSON.readTree(out.toFile());
        assertThat(result.path("status").asText()).as("the driver: " + result.path("error").asText() + "; see " + log)
                .isEqualTo("ok");
        return result;
    }

    /** What every editor must have seen: the server answered, through the editor, as on any other client. */
    String assertLanguageFeatures(JsonNode result) {
        assertThat(result.path("plain_managed").asBoolean()).as("YAML that is not a manifest gets no server").isFalse();
        assertThat(result.path("errors_on_open")).as("a valid file has no errors").isEmpty();
        List<String> labels = new ArrayList<>();
        result.path("completion").forEach(l -> labels.add(l.asText()));
        assertThat(labels).as("completion of metadata keys").contains("namespace", "annotations");
        assertThat(result.path("hover").asText()).as("hover on replicas").contains("replicas").containsIgnoringCase("pods");
        JsonNode flagged = result.path("diagnostics_after_edit").path(0);
        assertThat(flagged.path("line").asInt()).as("the diagnostic's line").isEqualTo(editLine);
        assertThat(flagged.path("message").asText()).as("the diagnostic on the unknown field").contains("bogusField");
        assertThat(result.path("alive").asBoolean()).as("server alive until stopped").isTrue();
        return labels.size() + " completions, hover " + result.path("hover").asText().lines().findFirst().orElse("")
                + ", after the edit, line " + editLine + ": " + flagged.path("message").asText();
    }
}
