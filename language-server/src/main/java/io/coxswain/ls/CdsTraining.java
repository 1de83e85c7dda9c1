package io.coxswain.ls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Makes the language server's AppCDS archive: starts the jar with -XX:ArchiveClassesAtExit, as an editor would, and
 * plays one short editor session over stdio (initialize, open a manifest, wait for its diagnostics, complete, hover,
 * list symbols, shut down, exit). The JVM writes the classes that session loaded to the archive when it exits; a
 * server started later with -XX:SharedArchiveFile maps them instead of loading them from the jar. JDK 17 accepts the
 * archive only for the same JDK build and the same jar path, so it is made where the jar is used: at package time
 * (language-server/pom.xml) and by the VS Code extension for its own copy. It uses only the JDK, and the archive
 * appears under its name only when complete (written beside it, then moved).
 *
 * Arguments: the java executable, the jar, the archive to write.
 */
public final class CdsTraining {

    private static final String MANIFEST = String.join("\n",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            "  name: web",
            "  labels:",
            "    app: web",
            "spec:",
            "  replicas: 2",
            "  selector:",
            "    matchLabels:",
            "      app: web",
            "  template:",
            "    metadata:",
            "      labels:",
            "        app: web",
            "    spec:",
            "      containers:",
            "        - name: web",
            "          image: nginx:1.27",
            "          ports:",
            "            - containerPort: \"80\"",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            "  name: web",
            "  bogus: 1",
            "spec:",
            "  selector:",
            "    app: web",
            "  ports:",
            "    - port: 80",
            "");

    public static void main(String[] args) throws Exception {
        String java = args[0];
        Path jar = Path.of(args[1]).toAbsolutePath();
        Path archive = Path.of(args[2]).toAbsolutePath();
        Path partial = archive.resolveSibling(archive.getFileName() + ".part-" + ProcessHandle.current().pid());
        Path home = Files.createTempDirectory("coxswain-cds");
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:ArchiveClassesAtExit=" + partial, "-XX:+UseSerialGC",
                "-Xmx1g", "-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:cds=error:stderr", "-jar", jar.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // no cluster joins the session: no kubeconfig the server would find
        pb.environment().put("COXSWAIN_DATA", home.toString());
        pb.environment().put("KUBECONFIG", home.resolve("none").toString());
        Process server = pb.start();
        try {
            CdsTraining session = new CdsTraining(server.getInputStream(), server.getOutputStream());
            session.play();
            if (!server.waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server did not exit within 120 s of the exit notification");
            }
            if (server.exitValue() != 0) {
                throw new IllegalStateException("the server exited with " + server.exitValue());
            }
            if (!Files.isRegularFile(partial)) {
                throw new IllegalStateException("the JVM wrote no archive at " + partial);
            }
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            server.destroyForcibly();
            Files.deleteIfExists(partial);
            home.toFile().delete(); // empty unless the server wrote there; then left to the system
        }
        System.out.printf("AppCDS archive: %s (%,d KB)%n", archive, Files.size(archive) / 1024);
    }

    private final InputStream in;
    private final OutputStream out;
    private final List<String> received = new ArrayList<>();
    private int nextId = 1;

    private CdsTraining(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    private void play() throws IOException {
        String uri = "file:///coxswain-cds-training/app.yaml";
        String doc = "{\"textDocument\":{\"uri\":\"" + uri + "\"}";
        request("initialize", "{\"processId\":" + ProcessHandle.current().pid() + ",\"rootUri\":null,\"capabilities\":"
                + "{\"textDocument\":{\"completion\":{},\"hover\":{},\"publishDiagnostics\":{}}}}");
        notify("initialized", "{}");
        notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":\"" + uri + "\",\"languageId\":\"yaml\",\"version\":1,"
                + "\"text\":\"" + MANIFEST.replace("\"", "\\\"").replace("\n", "\\n") + "\"}}");
        awaitMessage("textDocument/publishDiagnostics");
        request("textDocument/completion", doc + ",\"position\":{\"line\":4,\"character\":2}}");
        request("textDocument/completion", doc + ",\"position\":{\"line\":18,\"character\":10}}");
        request("textDocument/hover", doc + ",\"position\":{\"line\":7,\"character\":2}}");
        request("textDocument/documentSymbol", doc + "}");
        request("shutdown", "null");
        notify("exit", "null");
    }

    private void request(String method, String params) throws IOException {
        int id = nextId++;
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        Pattern answer = Pattern.compile("\"id\":\\s*" + id + "\\s*,\\s*\"(result|error)\"");
        while (true) {
            String message = read();
            if (answer.matcher(message).find()) {
                if (message.contains("\"error\"")) {
                    throw new IllegalStateException(method + " failed: " + message);
                }
                return;
            }
        }
    }

    private void awaitMessage(String method) throws IOException {
        for (String message : received) {
            if (message.contains("\"method\":\"" + method + "\"")) {
                return;
            }
        }
        while (!read().contains("\"method\":\"" + method + "\"")) {
            // other notifications: logs, status
        }
    }

    private void notify(String method, String params) throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + "}");
    }

    private void send(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** One message; a request from the server (it has a method and an id) is answered with null. */
    private String read() throws IOException {
        int length = -1;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the server closed its output");
            }
            if (c != '\n') {
                if (c != '\r') {
                    line.write(c);
                }
                continue;
            }
            String header = line.toString(StandardCharsets.US_ASCII);
            line.reset();
            if (header.isEmpty()) {
                break;
            }
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).trim());
            }
        }
        String message = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        received.add(message);
        var request = Pattern.compile("^\\{\"jsonrpc\":\"2.0\",\"id\":(\\d+|\"[^\"]*\"),\"method\"").matcher(message);
        if (request.find()) {
            send("{\"jsonrpc\":\"2.0\",\"id\":" + request.group(1) + ",\"result\":null}");
        }
        return message;
    }
}
