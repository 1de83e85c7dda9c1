package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
import org.junit.jupiter.api.Test;

/**
 * Neovim, headless, as a second and independent LSP client of our server: its built-in client starts the jar over
 * stdio, opens a manifest, asks completion and hover, edits the buffer and waits for diagnostics. The Lua script
 * writes what it saw to a file that this test reads. Fails, and says why, when the jar or nvim is missing.
 * With -Dcoxswain.lsp.server=peer it runs against yaml-language-server instead.
 */
class NeovimClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void neovimCompletesHoversAndGetsDiagnosticsFromTheServer() throws Exception {
        List<String> server = LspServers.serverUnderTest();
        String nvim = nvim();
        Path dir = Files.createDirectories(LspServers.workDir().resolve("nvim"));
        Path script = dir.resolve("nvim-client.lua");
        try (InputStream in = NeovimClientTest.class.getResourceAsStream("/lsp/nvim-client.lua")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Manifests.File file = Manifests.generate(6);
        Path manifest = Files.writeString(dir.resolve("manifest.yaml"), file.text());
        Path settings = dir.resolve("settings.json");
        JSON.writeValue(settings.toFile(), LspServers.settings());
        Path out = dir.resolve("result.json");
        Files.deleteIfExists(out);

        Manifests.Doc deployment = file.docs().get(2);
        int editLine = file.start().nameLine() + 1;
        ProcessBuilder pb = new ProcessBuilder(nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
                "-c", "luafile " + script)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nvim.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("LSP_CMD", JSON.writeValueAsString(server));
        env.put("LSP_SETTINGS", settings.toString());
        env.put("LSP_FILE", manifest.toString());
        env.put("LSP_OUT", out.toString());
        env.put("LSP_COMPLETE_LINE", Integer.toString(file.start().keyCompletion().getLine()));
        env.put("LSP_COMPLETE_COL", Integer.toString(file.start().keyCompletion().getCharacter()));
        env.put("LSP_HOVER_LINE", Integer.toString(deployment.hover().getLine()));
        env.put("LSP_HOVER_COL", Integer.toString(deployment.hover().getCharacter()));
        env.put("LSP_EDIT_LINE", Integer.toString(editLine));
        env.put("LSP_EDIT_TEXT", "  bogusField: 1");
        env.put("XDG_STATE_HOME", dir.resolve("state").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process process = pb.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("nvim did not finish in 240 s; see " + dir.resolve("nvim.log"));
        }
        assertThat(out).as("nvim wrote no result; see " + dir.resolve("nvim.log")).exists();
        JsonNode result = JSON.readTree(out.toFile());
        assertThat(result.path("status").asText()).as("the Lua script: " + result.path("error").asText()).isEqualTo("ok");
        assertThat(result.path("diagnostics_on_open").isArray()).as("diagnostics after open").isTrue();
        List<String> errors = new ArrayList<>();
        result.path("diagnostics_on_open").forEach(d -> {
            if (d.path("severity").asInt() == 1) {
                errors.add(d.path("message").asText());
            }
        });
        assertThat(errors).as("a valid file has no errors").isEmpty();
        List<String> labels = new ArrayList<>();
        result.path("completion").forEach(l -> labels.add(l.asText()));
        assertThat(labels).as("completion of metadata keys").contains("namespace", "annotations");
        assertThat(result.path("hover").asText()).as("hover on replicas").containsIgnoringCase("pods");
        assertThat(result.path("diagnostics_after_edit")).as("a diagnostic on the unknown field").isNotEmpty();
        assertThat(result.path("alive").asBoolean()).as("server alive until stopped").isTrue();
        System.out.println("neovim saw: server " + result.path("server") + ", " + labels.size() + " completions, hover "
                + result.path("hover").asText().lines().findFirst().orElse("") + ", after the edit "
                + result.path("diagnostics_after_edit").get(0).path("message").asText());
    }

    private static String nvim() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "nvim"))) {
                return Path.of(dir, "nvim").toString();
            }
        }
        throw new AssertionError("nvim is not installed (./coxswain test installs Debian's neovim)");
    }
}
