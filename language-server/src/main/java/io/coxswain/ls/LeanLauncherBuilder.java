package io.coxswain.ls;

import io.coxswain.ls.cluster.CoxswainClient;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.RemoteEndpoint;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.json.StreamMessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.services.LanguageServer;

import java.util.Map;

/**
 * LSP4J's launcher with the server's methods from {@link ServedMethods} and the client from {@link RemoteClient}
 * instead of reflection and a generated proxy class. The client's method table (CoxswainClient's annotations, which
 * give the types of the client's answers and of the server's notifications) is reflected on first use, when the
 * server first talks to the client: the answer to initialize needs none of it. Everything else (streams, message
 * processing, Gson) is LSP4J's own.
 */
final class LeanLauncherBuilder extends Launcher.Builder<CoxswainClient> {

    private final ServedMethods served;
    private final ClientMethods client = new ClientMethods(CoxswainClient.class);

    LeanLauncherBuilder(LanguageServer server) {
        this.served = new ServedMethods(server);
        setLocalService(served);
        setRemoteInterface(CoxswainClient.class);
    }

    @Override
    protected Map<String, JsonRpcMethod> getSupportedMethods() {
        return client.after(served.supportedMethods());
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
