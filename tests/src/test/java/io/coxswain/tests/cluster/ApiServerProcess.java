package io.coxswain.tests.cluster;

import io.coxswain.tests.SharedFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The apiserver from the built jar, in its own JVM, as a user runs it: so that a benchmark's clients do
 * not share the server's heap, JIT and garbage collector. Only the process it started is ever stopped.
 */
public final class ApiServerProcess implements AutoCloseable {

    private final Process process;
    private final String url;
    private final Path log;

    private ApiServerProcess(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    public static Path jar() {
        return SharedFiles.projectRoot().resolve("cluster-backend/coxswain/target/coxswain.jar");
    }

    /**
     * @param storeArgs such as {@code --store embedded --data-dir D}, or {@code --store etcd --etcd-servers URL}, and any
     *                  other flag of {@code coxswain apiserver} ({@code --secure}, {@code --max-watches-per-client}...)
     */
    public static ApiServerProcess start(Path workDir, String... storeArgs) throws IOException, InterruptedException {
        // On a shared machine another process may take the free port between the probe and the server's bind.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(workDir, storeArgs);
            } catch (IOException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("BindException")) {
                    throw e;
                }
            }
        }
    }

    private static ApiServerProcess startOnce(Path workDir, String... storeArgs) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString(), "apiserver", "--listen", "127.0.0.1:" + port));
        command.addAll(List.of(storeArgs));
        Files.createDirectories(workDir);
        Path log = workDir.resolve("apiserver.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            // "apiserver listening on http://…", or https:// in team mode
            java.util.regex.Matcher listening = java.util.regex.Pattern.compile("apiserver listening on (\\S+)").matcher(Files.readString(log));
            if (listening.find()) {
                return new ApiServerProcess(process, listening.group(1), log);
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("the apiserver did not start; its log:\n" + Files.readString(log));
    }

    public String url() {
        return url;
    }

    /** The server's resident memory now, in bytes, from /proc (Linux); -1 where that cannot be read. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The server's own log so far (what it printed), for a failure message. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
