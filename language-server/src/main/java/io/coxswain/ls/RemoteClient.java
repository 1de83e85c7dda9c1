package io.coxswain.ls;

import io.coxswain.ls.cluster.CoxswainClient;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ApplyWorkspaceEditResponse;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.LogTraceParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowDocumentResult;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentRefreshParams;
import org.eclipse.lsp4j.UnregistrationParams;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Endpoint;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client as the server calls it: each method sends its LSP message through the connection's endpoint. LSP4J
 * makes this object as a java.lang.reflect.Proxy over the interface, whose class it generates at start, after
 * reflecting over the interface's annotations; the generation alone costs as much as the rest of the launcher.
 * RemoteClientTest checks each method against LSP4J's annotations on CoxswainClient and LanguageClient.
 */
final class RemoteClient implements CoxswainClient, Endpoint {

    private final Endpoint endpoint;

    RemoteClient(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public CompletableFuture<?> request(String method, Object parameter) {
        return endpoint.request(method, parameter);
    }

    @Override
    public void notify(String method, Object parameter) {
        endpoint.notify(method, parameter);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> ask(String method, Object parameter) {
        return (CompletableFuture<T>) endpoint.request(method, parameter);
    }

    @Override
    public void status(Object status) {
        notify("coxswain/status", status);
    }

    @Override
    public void logs(Object chunk) {
        notify("coxswain/logs", chunk);
    }

    @Override
    public CompletableFuture<List<Object>> configuration(ConfigurationParams params) {
        return ask("workspace/configuration", params);
    }

    @Override
    public CompletableFuture<ApplyWorkspaceEditResponse> applyEdit(ApplyWorkspaceEditParams params) {
        return ask("workspace/applyEdit", params);
    }

    @Override
    public CompletableFuture<Void> registerCapability(RegistrationParams params) {
        return ask("client/registerCapability", params);
    }

    @Override
    public CompletableFuture<Void> unregisterCapability(UnregistrationParams params) {
        return ask("client/unregisterCapability", params);
    }

    @Override
    public void telemetryEvent(Object object) {
        notify("telemetry/event", object);
    }

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {
        notify("textDocument/publishDiagnostics", diagnostics);
    }

    @Override
    public void showMessage(MessageParams message) {
        notify("window/showMessage", message);
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
        return ask("window/showMessageRequest", params);
    }

    @Override
    public CompletableFuture<ShowDocumentResult> showDocument(ShowDocumentParams params) {
        return ask("window/showDocument", params);
    }

    @Override
    public void logMessage(MessageParams message) {
        notify("window/logMessage", message);
    }

    @Override
    public CompletableFuture<List<WorkspaceFolder>> workspaceFolders() {
        return ask("workspace/workspaceFolders", null);
    }

    @Override
    public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams params) {
        return ask("window/workDoneProgress/create", params);
    }

    @Override
    public void notifyProgress(ProgressParams params) {
        notify("$/progress", params);
    }

    @Override
    public void logTrace(LogTraceParams params) {
        notify("$/logTrace", params);
    }

    @Override
    public CompletableFuture<Void> refreshSemanticTokens() {
        return ask("workspace/semanticTokens/refresh", null);
    }

    @Override
    public CompletableFuture<Void> refreshCodeLenses() {
        return ask("workspace/codeLens/refresh", null);
    }

    @Override
    public CompletableFuture<Void> refreshInlayHints() {
        return ask("workspace/inlayHint/refresh", null);
    }

    @Override
    public CompletableFuture<Void> refreshInlineValues() {
        return ask("workspace/inlineValue/refresh", null);
    }

    @Override
    public CompletableFuture<Void> refreshDiagnostics() {
        return ask("workspace/diagnostic/refresh", null);
    }

    @Override
    public CompletableFuture<Void> refreshFoldingRanges() {
        return ask("workspace/foldingRange/refresh", null);
    }

    @Override
    public CompletableFuture<Void> refreshTextDocumentContent(TextDocumentContentRefreshParams params) {
        return ask("workspace/textDocumentContent/refresh", params);
    }

    @Override
    public String toString() {
        return "client over " + endpoint;
    }
}
