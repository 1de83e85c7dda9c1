package io.coxswain.ls;

import io.coxswain.ls.cluster.CoxswainClient;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.RemoteEndpoint;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.json.StreamMessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.services.LanguageServer;

import java.io.Reader;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.LogManager;

/**
 * LSP4J's launcher with the server's methods from {@link ServedMethods} and the client from {@link RemoteClient}
 * instead of reflection and a generated proxy class. The client's method table (CoxswainClient's annotations, which
 * give the types of the client's answers and of the server's notifications) is reflected on first use, when the
 * server first talks to the client: the answer to initialize needs none of it. Everything else (streams, message
 * processing, Gson) is LSP4J's own.
 */
final class LeanLauncherBuilder extends Launcher.Builder<CoxswainClient> {

    private final ClientMethods client = new ClientMethods(CoxswainClient.class);
    private final CompletableFuture<PreparedJsonHandler> jsonHandler = new CompletableFuture<>();
    private ServedMethods served;

    /**
     * Starts making the JSON handler on a thread of its own, while the caller makes the server: Gson and its adapters
     * for initialize's request and answer (the client's and the server's capabilities, some hundred classes walked by
     * reflection) cost more than the server's constructor, and the first message is initialize for every client.
     */
    LeanLauncherBuilder() {
        Thread thread = new Thread(this::prepareJson, "coxswain-ls-json");
        thread.setDaemon(true);
        thread.start();
        setRemoteInterface(CoxswainClient.class);
    }

    LeanLauncherBuilder serving(LanguageServer server) {
        served = new ServedMethods(server);
        setLocalService(served);
        return this;
    }

    /** Gson, then the request's adapters; InitializeParams' own adapter would make the capabilities' on first read. */
    private void prepareJson() {
        PreparedJsonHandler handler;
        try {
            handler = new PreparedJsonHandler(client.after(ServedMethods.TABLE));
        } catch (RuntimeException | Error e) {
            jsonHandler.completeExceptionally(e);
            throw e;
        }
        jsonHandler.complete(handler);
        try {
            handler.getGson().getAdapter(InitializeParams.class);
            handler.getGson().getAdapter(ClientCapabilities.class);
            handler.requestAdapters.complete(null);
        } catch (RuntimeException | Error e) {
            handler.requestAdapters.completeExceptionally(e);
            throw e;
        }
    }

    /** The handler once Gson is made; this thread makes the answer's adapters meanwhile the other makes the request's. */
    @Override
    protected MessageJsonHandler createJsonHandler() {
        // LSP4J's endpoint logs through java.util.logging, whose start (its configuration read, a LoggerFinder looked
        // for through the jar) takes this thread while Gson may still be in the making
        LogManager.getLogManager();
        MessageJsonHandler handler = jsonHandler.join();
        handler.getGson().getAdapter(InitializeResult.class);
        return handler;
    }

    /** LSP4J's handler whose first read waits for the request's adapters, instead of making them a second time. */
    private static final class PreparedJsonHandler extends MessageJsonHandler {

        final CompletableFuture<Void> requestAdapters = new CompletableFuture<>();

        PreparedJsonHandler(Map<String, JsonRpcMethod> methods) {
            super(methods);
        }

        @Override
        public Message parseMessage(Reader input) {
            requestAdapters.join();
            return super.parseMessage(input);
        }
    }

    /** As LSP4J's, with the table as the local endpoint where LSP4J would reflect over the service (GenericEndpoint). */
    @Override
    protected RemoteEndpoint createRemoteEndpoint(MessageJsonHandler jsonHandler) {
        MessageConsumer outgoing = wrapMessageConsumer(new StreamMessageConsumer(output, jsonHandler));
        RemoteEndpoint remote = exceptionHandler == null ? new RemoteEndpoint(outgoing, served)
                : new RemoteEndpoint(outgoing, served, exceptionHandler);
        jsonHandler.setMethodProvider(remote);
        remote.setJsonHandler(jsonHandler);
        return remote;
    }

    /** The client object: {@link RemoteClient} where LSP4J would generate a proxy class. */
    @Override
    protected CoxswainClient createProxy(RemoteEndpoint remoteEndpoint) {
        return new RemoteClient(remoteEndpoint);
    }
}
