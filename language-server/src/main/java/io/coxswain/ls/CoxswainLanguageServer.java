package io.coxswain.ls;

import io.coxswain.ls.services.ManifestLanguageService;
import io.coxswain.ls.services.Schemas;
import io.coxswain.ls.services.Workspace;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The server: capabilities, lifecycle, and the two thin services. */
public final class CoxswainLanguageServer implements LanguageServer, LanguageClientAware {

    private final ManifestLanguageService service = new ManifestLanguageService(new Workspace(), Schemas.STANDARD);
    private final CoxswainTextDocumentService documents = new CoxswainTextDocumentService(service);
    private final CoxswainWorkspaceService workspace = new CoxswainWorkspaceService();
    private volatile boolean shutdown;

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ServerCapabilities capabilities = new ServerCapabilities();
        capabilities.setTextDocumentSync(TextDocumentSyncKind.Incremental);
        capabilities.setCompletionProvider(new CompletionOptions(false, List.of(":", " ", "-")));
        capabilities.setHoverProvider(true);
        capabilities.setDocumentSymbolProvider(true);
        capabilities.setFoldingRangeProvider(true);
        capabilities.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.QuickFix)));
        capabilities.setDefinitionProvider(true);
        capabilities.setReferencesProvider(true);
        capabilities.setDocumentFormattingProvider(true);
        // Load the schemas now, not on the first keystroke.
        CompletableFuture.runAsync(() -> Schemas.STANDARD.catalog().kinds());
        return CompletableFuture.completedFuture(new InitializeResult(capabilities, new ServerInfo("coxswain-language-server", "0.1.0")));
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        documents.shutdown();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        System.exit(shutdown ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return documents;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspace;
    }

    @Override
    public void connect(LanguageClient client) {
        documents.connect(client);
    }
}
