package io.coxswain.tests.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One component of the built jar ({@code coxswain <subcommand> …}) in its own JVM, its output in a log file: the
 * fault tests kill these with SIGKILL and start them again. Only the process started here is ever signalled.
 */
public final class JarProcess implements AutoCloseable {

    public final String name;
    public final Path log;
    private final List<String> command;
    private Process process;

    private JarProcess(String name, Path log, List<String> command) {
        this.name = name;
        this.log = log;
        this.command = command;
    }

    /** Starts {@code java -jar coxswain.jar args…}, and waits until its log says {@code ready}. */
    public static JarProcess start(Path dir, String name, String ready, String... args) throws IOException, InterruptedException {
        return startIn(null, dir, name, ready, args);
    }

    /**
     * As {@link #start}, inside network namespace {@code netns} (a host of a multi-host test) when it is not null:
     * {@code ip netns exec} execs the JVM, so the process is the component itself.
     */
    public static JarProcess startIn(String netns, Path dir, String name, String ready, String... args) throws IOException, InterruptedException {
        return startJarIn(ApiServerProcess.jar(), netns, dir, name, ready, args);
    }

    /** As {@link #startIn}, from another build's launcher jar (a benchmark's earlier release). */
    public static JarProcess startJarIn(Path jar, String netns, Path dir, String name, String ready, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.addAll(List.of("ip", "netns", "exec", netns));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // small, quick-starting JVMs: seven of them share two cores in these tests
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(List.of(args));
        JarProcess p = new JarProcess(name, Files.createDirectories(dir).resolve(name + ".log"), command);
        p.start(ready);
        return p;
    }

    /** How a one-shot command of the jar ended: its exit code, stdout and stderr. */
    public record Run(int exit, String out, String err) {
    }

    /** Runs a one-shot command of the jar ({@code coxswain token create ...}) to its end, at most 90 s. */
    public static Run run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", ApiServerProcess.jar().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(Files.createDirectories(dir), "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException(String.join(" ", args) + " did not end in 90 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts it again with the same command line (the log goes on), and waits for {@code ready} in the new output. */
    public void start(String ready) throws IOException, InterruptedException {
        long from = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (ready != null) {
            try {
                awaitLog(ready, from, Duration.ofSeconds(90));
            } catch (IOException | RuntimeException e) {
                // nobody holds a process that never got ready: end it here, or it outlives the test
                kill();
                throw e;
            }
        }
    }

    /** Waits for a line containing {@code text} in what the process printed after byte {@code from}. */
    public void awaitLog(String text, long from, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output(from).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it said \"" + text + "\":\n" + output(0));
            }
            Thread.sleep(100);
        }
        throw new IOException(name + " did not say \"" + text + "\" within " + timeout + ":\n" + output(0));
    }

    public String output(long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), java.nio.charset.StandardCharsets.UTF_8);
    }

    public long logSize() throws IOException {
        return Files.size(log);
    }

    /** The text after {@code prefix} on the first line that has it, up to {@code suffix}. */
    public String find(String prefix, String suffix) throws IOException {
        for (String line : output(0).split("\n")) {
            int at = line.indexOf(prefix);
            if (at >= 0 && line.endsWith(suffix)) {
                return line.substring(at + prefix.length(), line.length() - suffix.length());
            }
        }
        return null;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to exit by itself; its exit code, or null if it still runs after {@code timeout}. */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGKILL: a crash, nothing released, nothing flushed. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
