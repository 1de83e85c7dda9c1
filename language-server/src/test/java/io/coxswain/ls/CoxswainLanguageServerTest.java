package io.coxswain.ls;

import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol end to end over a loopback socket: initialize, incremental changes, completion, diagnostics. */
class CoxswainLanguageServerTest {

    @Test
    void speaksTheProtocol() throws Exception {
        try (ServerConnection connection = new ServerConnection()) {
            LanguageServer remote = connection.server;
            BlockingQueue<PublishDiagnosticsParams> published = connection.client.diagnostics;
            InitializeResult init = connection.initialize(null, false);
            assertThat(init.getCapabilities().getTextDocumentSync().getLeft()).isEqualTo(TextDocumentSyncKind.Incremental);

            String uri = "file:///pod.yaml";
            remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
                    new TextDocumentItem(uri, "yaml", 1, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  \n")));
            remote.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, 2),
                    List.of(new TextDocumentContentChangeEvent(new Range(new Position(5, 2), new Position(5, 2)), "restartPolicy: Sometimes"))));

            PublishDiagnosticsParams diagnostics = published.poll(30, TimeUnit.SECONDS);
            while (diagnostics != null && diagnostics.getVersion() != null && diagnostics.getVersion() < 2) {
                diagnostics = published.poll(30, TimeUnit.SECONDS);
            }
            assertThat(diagnostics).isNotNull();
            assertThat(diagnostics.getDiagnostics()).anySatisfy(d -> assertThat(d.getRange().getStart().getLine()).isEqualTo(5));

            var completion = remote.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri),
                    new Position(5, 17))).get(30, TimeUnit.SECONDS);
            assertThat(completion.getRight().getItems()).extracting(CompletionItem::getLabel).contains("Always", "Never");
        }
    }
}
