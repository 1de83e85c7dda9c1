package io.coxswain.ls;

import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * A real server (CoxswainServerLauncher.run) and a real LSP4J client over a loopback socket. A socket, not piped
 * streams: a piped stream breaks when a thread that wrote to it ends, and the server's executors end at shutdown.
 */
public final class ServerConnection implements AutoCloseable {

    public final RecordingClient client = new RecordingClient();
    public final LanguageServer server;
    private final Socket socket;

    public ServerConnection() throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            try (listener; Socket accepted = listener.accept()) {
                CoxswainServerLauncher.run(accepted.getInputStream(), accepted.getOutputStream());
            } catch (Exception e) {
                // the socket closes at the end of the test
            }
        });
        thread.setDaemon(true);
        thread.start();
        socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, socket.getInputStream(), socket.getOutputStream());
        launcher.startListening();
        server = launcher.getRemoteProxy();
    }

    /** initialize and initialized; {@code pull} says the client answers workspace/configuration. */
    public InitializeResult initialize(Object initializationOptions, boolean pull) throws Exception {
        InitializeParams params = new InitializeParams();
        params.setInitializationOptions(initializationOptions);
        ClientCapabilities capabilities = new ClientCapabilities();
        WorkspaceClientCapabilities workspace = new WorkspaceClientCapabilities();
        workspace.setConfiguration(pull);
        capabilities.setWorkspace(workspace);
        params.setCapabilities(capabilities);
        InitializeResult result = server.initialize(params).get(30, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
        return result;
    }

    @Override
    public void close() throws Exception {
        server.shutdown().get(30, TimeUnit.SECONDS);
        socket.close();
    }
}
