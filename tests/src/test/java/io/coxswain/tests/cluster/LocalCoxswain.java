package io.coxswain.tests.cluster;

import io.coxswain.tests.SharedFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The local Coxswain as a person starts it: the repository's {@code ./coxswain up}, here with a data directory and
 * an address of its own ({@code COXSWAIN_DATA}, {@code COXSWAIN_LISTEN}), its own node name and a kubelet port the
 * kernel picks ({@code COXSWAIN_UP_ARGS}), so that it runs beside a developer's own {@code ./coxswain up}.
 * {@link #close()} runs {@code ./coxswain down}, which stops it and removes that node's containers.
 */
public final class LocalCoxswain implements AutoCloseable {

    public final Path data;
    public final String listen;
    public final String nodeName;
    /** Plain HTTP with no authentication ({@code --insecure-loopback}), for whoever asks for it; TLS otherwise. */
    public final boolean insecureLoopback;
    private final Map<String, String> env;

    private LocalCoxswain(Path data, String listen, String nodeName, boolean insecureLoopback) {
        this.data = data;
        this.listen = listen;
        this.nodeName = nodeName;
        this.insecureLoopback = insecureLoopback;
        this.env = Map.of("COXSWAIN_DATA", data.toString(), "COXSWAIN_LISTEN", listen,
                "COXSWAIN_UP_ARGS", "--node-name " + nodeName + " --kubelet-port 0" + (insecureLoopback ? " --insecure-loopback" : ""));
    }

    /**
     * Runs {@code ./coxswain up} (which starts a Docker engine only when none answers) and checks what it printed: the
     * API ready, the kubelet ready on Docker, the kubeconfig written. On failure it runs {@code down} and throws. As
     * every all-in-one, it serves TLS, takes the admin's client certificate from the kubeconfig, and authorizes with RBAC.
     */
    public static LocalCoxswain up(Path data, String nodeName, Duration timeout) throws IOException, InterruptedException {
        return up(data, nodeName, timeout, false);
    }

    /** As {@link #up(Path, String, Duration)}; with {@code insecureLoopback}, plain HTTP ({@code --insecure-loopback}). */
    public static LocalCoxswain up(Path data, String nodeName, Duration timeout, boolean insecureLoopback) throws IOException, InterruptedException {
        LocalCoxswain coxswain = new LocalCoxswain(data, "127.0.0.1:" + freePort(), nodeName, insecureLoopback);
        String out = coxswain.script("up", timeout);
        if (!out.contains("kubelet: node " + nodeName + " is ready on Docker") || !Files.isRegularFile(coxswain.kubeconfig())) {
            String log = coxswain.log();
            coxswain.close();
            throw new AssertionError("./coxswain up did not bring up a node on Docker; it printed:\n" + out + "\ncoxswain.log:\n" + log);
        }
        return coxswain;
    }

    public Path kubeconfig() {
        return data.resolve("kubeconfig");
    }

    public String server() {
        return (insecureLoopback ? "http://" : "https://") + listen;
    }

    /** A fabric8 client of this cluster as its admin (the kubeconfig {@code up} wrote), for what another tool does meanwhile. */
    public io.fabric8.kubernetes.client.KubernetesClient newClient() {
        String text;
        try {
            text = Files.readString(kubeconfig());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(text)).build();
    }

    /** The node name the all-in-one wrote for {@code down}. */
    public String writtenNodeName() throws IOException {
        return Files.readString(data.resolve("node-name")).strip();
    }

    /** The all-in-one's process, as {@code up} recorded it; -1 once {@code down} removed the record. */
    public long pid() throws IOException {
        Path pid = data.resolve("coxswain.pid");
        return Files.isRegularFile(pid) ? Long.parseLong(Files.readString(pid).strip()) : -1;
    }

    public String log() {
        try {
            return Files.readString(data.resolve("coxswain.log"));
        } catch (IOException e) {
            return "(no coxswain.log: " + e.getMessage() + ")";
        }
    }

    /** {@code ./coxswain down}: what it printed. */
    public String down() throws IOException, InterruptedException {
        return script("down", Duration.ofMinutes(2));
    }

    /** Names of this node's pods that have a running container named {@code container}, from the engine itself. */
    public TreeSet<String> podsRunning(String container) throws IOException, InterruptedException {
        String out = DockerNode.docker("ps", "--filter", "label=io.coxswain.node=" + nodeName,
                "--filter", "label=io.kubernetes.container.name=" + container, "--filter", "status=running",
                "--format", "{{.Label \"io.kubernetes.pod.name\"}}");
        TreeSet<String> pods = new TreeSet<>();
        Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).forEach(pods::add);
        return pods;
    }

    /** Every container of this node, running or not (docker ps -a), as "name status" lines. */
    public List<String> containers() throws IOException, InterruptedException {
        String out = DockerNode.docker("ps", "-a", "--filter", "label=io.coxswain.node=" + nodeName, "--format", "{{.Names}} {{.Status}}");
        return out.isBlank() ? List.of() : List.of(out.split("\n"));
    }

    /** What a {@code ./coxswain} command printed (standard output and error) and its exit code. */
    public record Run(int exitCode, String output) {
    }

    /** {@code ./coxswain status}: exit code 0 all ready, 1 something not ready, 3 not running. */
    public Run status() throws IOException, InterruptedException {
        return run("status", Duration.ofSeconds(60));
    }

    private String script(String command, Duration timeout) throws IOException, InterruptedException {
        Run run = run(command, timeout);
        if (run.exitCode() != 0) {
            throw new AssertionError("./coxswain " + command + " exited with " + run.exitCode() + "; it printed:\n" + run.output()
                    + "\ncoxswain.log:\n" + log());
        }
        return run.output();
    }

    private Run run(String command, Duration timeout) throws IOException, InterruptedException {
        Path root = SharedFiles.projectRoot();
        Path out = Files.createTempFile(data.getParent(), "coxswain-" + command, ".out");
        ProcessBuilder pb = new ProcessBuilder(List.of(root.resolve("coxswain").toString(), command)).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./coxswain " + command + " did not finish in " + timeout.toSeconds() + " s; it printed:\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return new Run(p.exitValue(), printed);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        down();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The lines of a printed text that start with one of the prefixes, for a test's log. */
    public static List<String> lines(String text, String... prefixes) {
        List<String> picked = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (Arrays.stream(prefixes).anyMatch(line::startsWith)) {
                picked.add(line);
            }
        }
        return picked;
    }
}
