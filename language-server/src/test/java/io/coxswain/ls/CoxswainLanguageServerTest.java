package io.coxswain.ls;

import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol end to end over in-memory streams: initialize, incremental changes, completion, diagnostics. */
class CoxswainLanguageServerTest {

    @Test
    void speaksTheProtocol() throws Exception {
        // A loopback socket, not piped streams: a piped stream breaks when a thread that wrote to it ends, and the
        // server's executors end at shutdown.
        java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> {
            try (listener; java.net.Socket accepted = listener.accept()) {
                CoxswainServerLauncher.run(accepted.getInputStream(), accepted.getOutputStream());
            } catch (Exception e) {
                // the socket closes at the end of the test
            }
        });
        server.setDaemon(true);
        server.start();

        BlockingQueue<PublishDiagnosticsParams> published = new LinkedBlockingQueue<>();
        LanguageClient client = new LanguageClient() {
            @Override
            public void telemetryEvent(Object object) {
            }

            @Override
            public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {
                published.add(diagnostics);
            }

            @Override
            public void showMessage(MessageParams messageParams) {
            }

            @Override
            public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void logMessage(MessageParams message) {
            }
        };
        java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, socket.getInputStream(), socket.getOutputStream());
        launcher.startListening();
        LanguageServer remote = launcher.getRemoteProxy();

        InitializeResult init = remote.initialize(new InitializeParams()).get(30, TimeUnit.SECONDS);
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
        remote.shutdown().get(30, TimeUnit.SECONDS);
        socket.close();
    }
}
