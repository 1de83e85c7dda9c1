package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Neovim, headless, as a second and independent LSP client of our server, set up exactly as
 * language-server/README.md says ("### Neovim 0.7", loaded as init.lua with only the jar's path filled in): the
 * setup's FileType autocmd starts the jar over stdio for a manifest and not for other YAML; the driver script then
 * asks completion and hover, edits the buffer and waits for the diagnostic in vim.diagnostic. Fails, and says why,
 * when the jar or nvim is missing.
 */
class NeovimClientTest {

    @Test
    void theReadmeSetupCompletesHoversAndGetsDiagnostics() throws Exception {
        String nvim = Executables.onPath("nvim", "./coxswain test installs Debian's neovim");
        ReadmeSetupRun run = new ReadmeSetupRun("nvim", "### Neovim 0.7", "lua", "init.lua", "/lsp/nvim-client.lua");
        JsonNode result = run.run(List.of(nvim, "--headless", "-u", run.setup.toString(), "-i", "NONE", "-n",
                "-c", "luafile " + run.driver), Map.of(
                "XDG_STATE_HOME", run.dir.resolve("state").toString(),
                "XDG_CACHE_HOME", run.dir.resolve("cache").toString(),
                "XDG_CONFIG_HOME", run.dir.resolve("config").toString(),
                "XDG_DATA_HOME", run.dir.resolve("data").toString()));
        assertThat(result.path("plain_filetype").asText()).as("Neovim's filetype of values.yaml").isEqualTo("yaml");
        assertThat(result.path("client_name").asText()).isEqualTo("coxswain");
        List<String> cmd = new ArrayList<>();
        result.path("cmd").forEach(a -> cmd.add(a.asText()));
        assertThat(cmd).as("the command the setup started").startsWith("java").endsWith("-jar", LspServers.ourJar().toString());
        System.out.println("neovim (README setup) started " + String.join(" ", cmd) + " and saw "
                + run.assertLanguageFeatures(result));
    }
}
