package io.coxswain.tests.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real /usr/bin/kubectl against a cluster, with its own cache directory, and captures what it prints. */
public final class Kubectl {

    /** What one kubectl run did. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String out() {
            return stdout;
        }
    }

    private final Path kubeconfig;
    private final Path cacheDir;

    public Kubectl(TestCluster cluster, Path workDir) throws IOException {
        this(cluster.kubeconfig(), workDir);
    }

    /** kubectl with any kubeconfig, a team-mode user's for instance. */
    public Kubectl(Path kubeconfig, Path workDir) throws IOException {
        this.kubeconfig = kubeconfig;
        this.cacheDir = Files.createDirectories(workDir.resolve("kubectl-cache"));
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return run(null, args);
    }

    /** @param stdin written to kubectl's standard input (for {@code -f -}), or null */
    public Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig, "--cache-dir=" + cacheDir));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(cacheDir, "out", ".txt");
        Path err = Files.createTempFile(cacheDir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 120 s");
        }
        Result result = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return result;
    }

    /** Starts kubectl without waiting, for {@code get -w}; the caller reads and destroys it. */
    public Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig, "--cache-dir=" + cacheDir));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Starts kubectl (a {@code logs -f}, say), reads up to {@code count} lines of its output within {@code within}, and
     * stops it: the lines it read, fewer if it ended or took longer.
     */
    public List<String> firstLines(int count, java.time.Duration within, String... args) throws IOException {
        Process process = start(args);
        List<String> lines = new ArrayList<>();
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + within.toNanos();
            String line;
            while (lines.size() < count && System.nanoTime() < deadline && (line = r.readLine()) != null) {
                lines.add(line);
            }
        } finally {
            process.destroy();
        }
        return lines;
    }
}
