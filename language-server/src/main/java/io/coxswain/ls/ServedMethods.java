package io.coxswain.ls;

import com.google.gson.reflect.TypeToken;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.FoldingRange;
import org.eclipse.lsp4j.FoldingRangeRequestParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.SetTraceParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.adapters.CodeActionResponseAdapter;
import org.eclipse.lsp4j.adapters.DocumentSymbolResponseAdapter;
import org.eclipse.lsp4j.adapters.LocationLinkListAdapter;
import org.eclipse.lsp4j.jsonrpc.Endpoint;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethodProvider;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The LSP methods the server answers, as a fixed table, and their dispatch. LSP4J would otherwise find them by
 * reflection over every method of LanguageServer, TextDocumentService, WorkspaceService and their implementations,
 * three times over, and parse each one's annotations and generic signatures: a third of the server's start time.
 * ServedMethodsTest checks this table against LSP4J's own reflection, so that it cannot drift from the interfaces, and
 * that every method the services implement is in it. A method the services don't implement is answered as
 * LSP4J's GenericEndpoint answers an unknown one: MethodNotFound, or null for an optional {@code $/} request.
 */
final class ServedMethods implements Endpoint, JsonRpcMethodProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ServedMethods.class);

    private final LanguageServer server;

    ServedMethods(LanguageServer server) {
        this.server = server;
    }

    @Override
    public Map<String, JsonRpcMethod> supportedMethods() {
        return TABLE;
    }

    @Override
    public CompletableFuture<?> request(String method, Object params) {
        TextDocumentService documents = server.getTextDocumentService();
        WorkspaceService workspace = server.getWorkspaceService();
        return switch (method) {
            case "initialize" -> server.initialize((InitializeParams) params);
            case "shutdown" -> server.shutdown();
            case "textDocument/completion" -> documents.completion((CompletionParams) params);
            case "textDocument/hover" -> documents.hover((HoverParams) params);
            case "textDocument/definition" -> documents.definition((DefinitionParams) params);
            case "textDocument/references" -> documents.references((ReferenceParams) params);
            case "textDocument/documentSymbol" -> documents.documentSymbol((DocumentSymbolParams) params);
            case "textDocument/codeAction" -> documents.codeAction((CodeActionParams) params);
            case "textDocument/codeLens" -> documents.codeLens((CodeLensParams) params);
            case "textDocument/formatting" -> documents.formatting((DocumentFormattingParams) params);
            case "textDocument/foldingRange" -> documents.foldingRange((FoldingRangeRequestParams) params);
            case "workspace/executeCommand" -> workspace.executeCommand((ExecuteCommandParams) params);
            default -> unknownRequest(method);
        };
    }

    @Override
    public void notify(String method, Object params) {
        TextDocumentService documents = server.getTextDocumentService();
        WorkspaceService workspace = server.getWorkspaceService();
        switch (method) {
            case "initialized" -> server.initialized((InitializedParams) params);
            case "exit" -> server.exit();
            case "$/setTrace" -> server.setTrace((SetTraceParams) params);
            case "textDocument/didOpen" -> documents.didOpen((DidOpenTextDocumentParams) params);
            case "textDocument/didChange" -> documents.didChange((DidChangeTextDocumentParams) params);
            case "textDocument/didClose" -> documents.didClose((DidCloseTextDocumentParams) params);
            case "textDocument/didSave" -> documents.didSave((DidSaveTextDocumentParams) params);
            case "workspace/didChangeConfiguration" -> workspace.didChangeConfiguration((DidChangeConfigurationParams) params);
            case "workspace/didChangeWatchedFiles" -> workspace.didChangeWatchedFiles((DidChangeWatchedFilesParams) params);
            default -> {
                if (method.startsWith("$/")) {
                    LOG.debug("Unsupported notification method: {}", method);
                } else {
                    LOG.warn("Unsupported notification method: {}", method);
                }
            }
        }
    }

    private static CompletableFuture<?> unknownRequest(String method) {
        String message = "Unsupported request method: " + method;
        if (method.startsWith("$/")) {
            LOG.debug(message);
            return CompletableFuture.completedFuture(null);
        }
        LOG.warn(message);
        return CompletableFuture.failedFuture(new ResponseErrorException(
                new ResponseError(ResponseErrorCode.MethodNotFound, message, null)));
    }

    /** Names, parameter types and result types, as LSP4J's annotations on the service interfaces give them. */
    static final Map<String, JsonRpcMethod> TABLE = table(
            req("initialize", InitializeResult.class, InitializeParams.class),
            note("initialized", InitializedParams.class),
            req("shutdown", Object.class),
            note("exit"),
            note("$/setTrace", SetTraceParams.class),
            note("textDocument/didOpen", DidOpenTextDocumentParams.class),
            note("textDocument/didChange", DidChangeTextDocumentParams.class),
            note("textDocument/didClose", DidCloseTextDocumentParams.class),
            note("textDocument/didSave", DidSaveTextDocumentParams.class),
            req("textDocument/completion",
                    new TypeToken<Either<List<CompletionItem>, CompletionList>>() { }.getType(), CompletionParams.class),
            req("textDocument/hover", Hover.class, HoverParams.class),
            JsonRpcMethod.request("textDocument/definition",
                    new TypeToken<Either<List<? extends Location>, List<? extends LocationLink>>>() { }.getType(),
                    new LocationLinkListAdapter(), DefinitionParams.class),
            req("textDocument/references", new TypeToken<List<? extends Location>>() { }.getType(),
                    ReferenceParams.class),
            JsonRpcMethod.request("textDocument/documentSymbol",
                    new TypeToken<List<Either<SymbolInformation, DocumentSymbol>>>() { }.getType(),
                    new DocumentSymbolResponseAdapter(), DocumentSymbolParams.class),
            JsonRpcMethod.request("textDocument/codeAction",
                    new TypeToken<List<Either<Command, CodeAction>>>() { }.getType(),
                    new CodeActionResponseAdapter(), CodeActionParams.class),
            req("textDocument/codeLens", new TypeToken<List<? extends CodeLens>>() { }.getType(),
                    CodeLensParams.class),
            req("textDocument/formatting", new TypeToken<List<? extends TextEdit>>() { }.getType(),
                    DocumentFormattingParams.class),
            req("textDocument/foldingRange", new TypeToken<List<FoldingRange>>() { }.getType(),
                    FoldingRangeRequestParams.class),
            req("workspace/executeCommand", Object.class, ExecuteCommandParams.class),
            note("workspace/didChangeConfiguration", DidChangeConfigurationParams.class),
            note("workspace/didChangeWatchedFiles", DidChangeWatchedFilesParams.class));

    private static JsonRpcMethod req(String name, Type result, Type... params) {
        return JsonRpcMethod.request(name, result, params);
    }

    private static JsonRpcMethod note(String name, Type... params) {
        return JsonRpcMethod.notification(name, params);
    }

    private static Map<String, JsonRpcMethod> table(JsonRpcMethod... methods) {
        Map<String, JsonRpcMethod> table = new LinkedHashMap<>();
        for (JsonRpcMethod m : methods) {
            if (table.put(m.getMethodName(), m) != null) {
                throw new IllegalStateException("RPC method listed twice: " + m.getMethodName());
            }
        }
        return java.util.Collections.unmodifiableMap(table);
    }
}
