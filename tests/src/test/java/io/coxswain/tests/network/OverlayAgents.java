package io.coxswain.tests.network;

import io.coxswain.tests.cluster.ApiServerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code coxswain overlay} from the built jar, one process per host, each inside its host's network namespace
 * ({@code ip netns exec}, which execs the JVM, so the process is the agent itself), reaching the apiserver over the
 * underlay with its node's own credentials. Only the processes started here are ever stopped.
 */
final class OverlayAgents implements AutoCloseable {

    private final Path dir;
    private final ApiServerProcess api;
    private final Map<String, Process> running = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();

    OverlayAgents(Path dir, ApiServerProcess api) {
        this.dir = dir;
        this.api = api;
    }

    /** The node's own credentials, as its kubelet has them: user system:node:NAME in group system:nodes. */
    private Path nodeKubeconfig(NetnsHosts.Host host) throws IOException {
        return api.http().asUser(api.pki(), "system:node:" + host.node(), List.of("system:nodes"),
                dir.resolve(host.node() + ".kubeconfig")).kubeconfig();
    }

    /** Starts the agent of a host; returns its log, a new file for every start. */
    Path start(NetnsHosts.Host host, String mode) throws IOException {
        int n = starts.merge(host.name(), 1, Integer::sum);
        Path log = dir.resolve("agent-" + host.name() + "-" + n + ".log");
        List<String> command = List.of("ip", "netns", "exec", host.netns(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", ApiServerProcess.jar().toString(), "overlay", "--kubeconfig", nodeKubeconfig(host).toString(),
                "--node-name", host.node(), "--iface", "eth0", "--mode", mode, "--resync-seconds", "3");
        Files.createDirectories(dir);
        running.put(host.name(), new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        return log;
    }

    /** SIGTERM, as systemd stops it, and waits for the end. */
    void stop(NetnsHosts.Host host) throws InterruptedException {
        Process p = running.remove(host.name());
        if (p != null) {
            end(p);
        }
    }

    private static void end(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the agent's log has the line, or fails with the log. */
    static void awaitLog(Path log, String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the agent did not log '" + text + "' in " + timeout.toSeconds() + " s; its log " + log + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(none)"));
    }

    @Override
    public void close() throws InterruptedException {
        for (String name : List.copyOf(running.keySet())) {
            end(running.remove(name));
        }
    }
}
