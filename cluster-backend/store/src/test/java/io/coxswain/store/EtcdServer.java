package io.coxswain.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd process for tests: Debian's etcd-server on free loopback ports, its data and its log in a
 * temporary directory. Only the process this fixture started is ever stopped or killed.
 */
public final class EtcdServer implements AutoCloseable {
    static final Path ETCD = Path.of("/usr/bin/etcd");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dir;
    private final boolean ownsDir;
    private Process process;

    private EtcdServer(String name, int clientPort, int peerPort, Path dir, boolean ownsDir) {
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dir = dir;
        this.ownsDir = ownsDir;
    }

    /** One member, started and healthy. */
    public static EtcdServer start() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken between probe and bind
            EtcdServer server = new EtcdServer("solo", freePort(), freePort(), Files.createTempDirectory("etcd-test-"), true);
            try {
                server.launch(server.name + "=" + server.peerUrl(), "solo-" + System.nanoTime());
                server.awaitHealthy(Duration.ofSeconds(30));
                return server;
            } catch (IOException e) {
                last = e;
                server.close();
            }
        }
        throw last;
    }

    /** Members of a cluster; the caller launches them together, since none is healthy before a quorum is. */
    static List<EtcdServer> members(int size, Path dir) throws IOException {
        List<EtcdServer> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new EtcdServer("m" + i, freePort(), freePort(), dir, false));
        }
        return members;
    }

    void launch(String initialCluster, String clusterToken) throws IOException {
        if (!Files.isExecutable(ETCD)) {
            throw new IllegalStateException(ETCD + " is missing: these tests need a real etcd. "
                    + "`./coxswain test` installs it (Debian's etcd-server); or run `apt-get install -y etcd-server`.");
        }
        List<String> command = List.of(ETCD.toString(),
                "--name", name,
                "--data-dir", dir.resolve(name + ".etcd").toString(),
                "--listen-client-urls", clientUrl(),
                "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", clusterToken,
                "--initial-cluster-state", "new",
                // Quick elections keep failover tests short; loopback has no real latency.
                "--heartbeat-interval", "25",
                "--election-timeout", "250",
                // Room for a value of exactly Keys.MAX_VALUE_BYTES plus its key and framing.
                "--max-request-bytes", String.valueOf(Keys.MAX_VALUE_BYTES + 64 * 1024),
                "--logger", "zap",
                "--log-outputs", "stderr");
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    }

    void awaitHealthy(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd " + name + " exited with " + process.exitValue() + "; log: " + log() + "\n" + logTail());
            }
            if (healthy()) {
                return;
            }
            sleep(50);
        }
        throw new IOException("etcd " + name + " not healthy after " + timeout + "; log: " + log() + "\n" + logTail());
    }

    boolean healthy() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(clientUrl() + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String name() {
        return name;
    }

    public String endpoint() {
        return clientUrl();
    }

    public List<String> endpoints() {
        return List.of(clientUrl());
    }

    public Path log() {
        return dir.resolve(name + ".log");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** A crash: SIGKILL to this fixture's own process. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    /** A clean stop (SIGTERM), then SIGKILL if etcd lingers. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(Duration.ofSeconds(5))) {
                kill();
            }
        }
    }

    @Override
    public void close() {
        stop();
        if (ownsDir && !Boolean.getBoolean("coxswain.keepEtcd")) {
            deleteTree(dir);
        }
    }

    String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
