package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;

/** The LSP client and the bundled schema, proved against the peer server: diagnostics, completion, hover, edits. */
class LspClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void peerValidatesCompletesAndHoversWithTheBundledSchema() throws Exception {
        List<String> command = LspServers.peer().orElse(null);
        // ./coxswain test installs the peer: a missing one is a failure, not a reason to skip
        assertThat(command).as("yaml-language-server is not installed in tests/lsp-peer (./coxswain test installs it)").isNotNull();
        Path dir = LspServers.workDir();
        String uri = dir.resolve("client-test.yaml").toUri().toString();
        try (LspClient client = LspClient.start(LspServers.PEER, command, dir.resolve("peer-client-test.stderr.log"))) {
            client.initialize(dir, LspServers.settings(), WAIT);
            Manifests.File file = Manifests.generate(6);
            client.open(uri, file.text());
            LspClient.Published first = client.awaitDiagnostics(uri, 0, p -> true, WAIT);
            assertThat(first).as("diagnostics after open").isNotNull();
            assertThat(first.diagnostics()).as("a valid file has no problems").isEmpty();

            // an unknown field in the Service's spec, then a wrong type for the Deployment's replicas
            Manifests.Doc service = file.docs().get(1);
            int seen = client.publishedCount(uri);
            client.change(uri, LspClient.range(service.nameLine() + 1, 0, service.nameLine() + 1, 0), "bogus: 1\n");
            LspClient.Published after = client.awaitDiagnostics(uri, seen, p -> !p.diagnostics().isEmpty(), WAIT);
            assertThat(after).as("diagnostics after an edit that adds an unknown field").isNotNull();
            assertThat(after.diagnostics().get(0).getRange().getStart().getLine()).isEqualTo(service.nameLine() + 1);

            List<CompletionItem> items = LspClient.await(client.completion(uri, file.start().keyCompletion()), WAIT);
            assertThat(items).extracting(CompletionItem::getLabel).contains("namespace", "annotations");

            Manifests.Doc deployment = file.docs().get(2);
            Hover hover = LspClient.await(client.hover(uri, deployment.hover()), WAIT);
            assertThat(hover).as("hover on replicas").isNotNull();
            System.out.println("hover on replicas: " + hover.getContents());
            assertThat(client.peakRssKb()).isPositive();
        }
    }
}
