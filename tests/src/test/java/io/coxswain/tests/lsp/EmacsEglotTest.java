package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Emacs with Eglot (Debian's emacs-nox, elpa-eglot and elpa-yaml-mode) as an LSP client of our server, set up
 * exactly as language-server/README.md says ("### Emacs (Eglot)", loaded with only the jar's path filled in): in
 * batch mode, the setup opens a manifest in its own mode and starts the jar for it, and leaves other YAML alone; the driver takes completion through
 * Eglot's completion-at-point function, hover as Eglot renders it, and the Flymake diagnostic an edit brings.
 * Fails, and says why, when the jar or emacs is missing.
 */
class EmacsEglotTest {

    @Test
    void theReadmeSetupCompletesHoversAndGetsDiagnostics() throws Exception {
        String emacs = Executables.onPath("emacs", "./coxswain test installs Debian's emacs-nox, elpa-eglot and elpa-yaml-mode");
        ReadmeSetupRun run = new ReadmeSetupRun("emacs", "### Emacs (Eglot)", "elisp", "coxswain-eglot.el",
                "/lsp/emacs-eglot-client.el");
        JsonNode result = run.run(List.of(emacs, "--batch", "-l", run.setup.toString(), "-l", run.driver.toString()),
                Map.of("HOME", Files.createDirectories(run.dir.resolve("home")).toString()));
        assertThat(result.path("plain_mode").asText()).as("Emacs' mode for values.yaml").isEqualTo("yaml-mode");
        assertThat(result.path("mode").asText()).as("Emacs' mode for the manifest").isEqualTo("coxswain-manifest-mode");
        assertThat(result.path("server").asText()).as("the serverInfo Eglot got").isEqualTo(LspServers.OURS);
        assertThat(result.path("capf_has_eglot").asBoolean()).as("Eglot's function in completion-at-point-functions").isTrue();
        List<String> cmd = new ArrayList<>();
        result.path("command").forEach(a -> cmd.add(a.asText()));
        assertThat(cmd).as("the command the setup started").startsWith("java").endsWith("-jar", LspServers.ourJar().toString());
        System.out.println("emacs/eglot (README setup) started " + String.join(" ", cmd) + " and saw "
                + run.assertLanguageFeatures(result));
    }
}
