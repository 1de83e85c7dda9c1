package io.coxswain.ls;

import org.eclipse.lsp4j.jsonrpc.Launcher;
import io.coxswain.ls.cluster.CoxswainClient;
import io.coxswain.ls.log.ClientLogProvider;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Starts the server on stdio (the default) or, with {@code --port N}, on one TCP connection at localhost:N. */
public final class CoxswainServerLauncher {

    private CoxswainServerLauncher() {
    }

    public static void main(String[] args) throws Exception {
        // SLF4J finds its provider by ServiceLoader otherwise, which opens and indexes the whole jar (11,000 entries)
        // before the first request can be read; named, it is one class. Its note that it did so is left out.
        System.setProperty("slf4j.provider", ClientLogProvider.class.getName());
        System.setProperty("slf4j.internal.verbosity", "WARN");
        int port = -1;
        for (int i = 0; i < args.length; i++) {
            if ("--port".equals(args[i]) && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if ("--stdio".equals(args[i])) {
                port = -1;
            }
        }
        if (port < 0) {
            InputStream in = System.in;
            OutputStream out = System.out;
            // Nothing else may write to stdout: it carries the protocol.
            System.setOut(new PrintStream(System.err, true));
            run(in, out);
        } else {
            try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                 Socket socket = server.accept()) {
                run(socket.getInputStream(), socket.getOutputStream());
            }
        }
    }

    static void run(InputStream in, OutputStream out) throws Exception {
        LeanLauncherBuilder builder = new LeanLauncherBuilder();
        CoxswainLanguageServer server = new CoxswainLanguageServer();
        Launcher<CoxswainClient> launcher = builder.serving(server).setInput(in).setOutput(out).create();
        server.connect(launcher.getRemoteProxy());
        launcher.startListening().get();
    }
}
