package io.coxswain.network;

import io.coxswain.client.DaemonThreads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs host tools ({@code ip}, {@code bridge}) as processes with a real deadline: the output is read on other threads
 * while this one waits with a timeout, so a hung tool is destroyed rather than waited for forever. With a network
 * namespace, every command runs in it through {@code ip netns exec} (a host of a multi-host test).
 */
public final class HostCommands {

    /** The default deadline of one command; iproute2's calls take milliseconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Executor READERS = Executors.newCachedThreadPool(DaemonThreads.named("host-command-output"));

    private final List<String> prefix;
    private final Duration timeout;

    private HostCommands(List<String> prefix, Duration timeout) {
        this.prefix = prefix;
        this.timeout = timeout;
    }

    /** Commands in this process's own network namespace. */
    public static HostCommands local() {
        return new HostCommands(List.of(), DEFAULT_TIMEOUT);
    }

    /** Commands in the named network namespace ({@code ip netns exec NAME ...}). */
    public static HostCommands inNetns(String netns) {
        if (netns == null || netns.isBlank()) {
            throw new IllegalArgumentException("a network namespace name is required");
        }
        return new HostCommands(List.of("ip", "netns", "exec", netns), DEFAULT_TIMEOUT);
    }

    public HostCommands withTimeout(Duration timeout) {
        return new HostCommands(prefix, timeout);
    }

    /** A finished command: its exit code and what it printed. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws {@link HostCommandException} unless the command exited with 0; returns its standard output. */
        public String orThrow() {
            if (!ok()) {
                throw new HostCommandException(String.join(" ", command) + " exited with " + exitCode + ": " + stderr.strip());
            }
            return stdout;
        }
    }

    /** Runs the command to its end or its deadline; a non-zero exit is a result, a timeout or a failed start is thrown. */
    public Result run(String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(Arrays.asList(command));
        Process process;
        try {
            process = new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new HostCommandException(String.join(" ", full) + " could not start: " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), READERS);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), READERS);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new HostCommandException(String.join(" ", full) + " did not finish in " + timeout.toMillis() + " ms; killed");
            }
            // The streams close when the process ends; a child that kept them open is not waited for past the deadline.
            return new Result(full, process.exitValue(), out.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HostCommandException(String.join(" ", full) + ": interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new HostCommandException(String.join(" ", full) + ": its output could not be read: " + e, e);
        }
    }

    /** Runs the command and returns its standard output; throws with the exit code and standard error unless it exited with 0. */
    public String check(String... command) {
        return run(command).orThrow();
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
