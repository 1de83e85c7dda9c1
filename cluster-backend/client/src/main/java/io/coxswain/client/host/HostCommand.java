package io.coxswain.client.host;

import io.coxswain.client.DaemonThreads;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A host tool (iptables-restore, ip, bridge) run as a process with a real deadline, as k8s.io/utils/exec's
 * CommandContext: its input is written and its two outputs are read on threads of their own, so a command that hangs
 * (iptables-restore waiting on the xtables lock, say) is killed at the deadline instead of holding its caller forever.
 */
public final class HostCommand {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** The exit code of a command that could not start, timed out or was interrupted; a process's own is 0 to 255. */
    public static final int DID_NOT_RUN = -1;

    /** Daemon threads for the pipes: a pipe that never closes must not keep the JVM alive or starve a shared pool. */
    private static final ExecutorService PIPES = Executors.newCachedThreadPool(DaemonThreads.named("host-command-pipe"));

    /** How a command ended: {@link #DID_NOT_RUN} when it could not start, timed out or was interrupted (stderr says which). */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private HostCommand() {
    }

    /** {@link #run(List, String, Duration)} with the default deadline of 60 s. */
    public static Result run(List<String> command, String stdin) {
        return run(command, stdin, DEFAULT_TIMEOUT);
    }

    /** Runs a command, feeding it {@code stdin} (may be null), and waits for its end at most {@code timeout}. */
    public static Result run(List<String> command, String stdin, Duration timeout) {
        return run(command, java.util.Map.of(), stdin, timeout);
    }

    /** As {@link #run(List, String, Duration)}, with {@code env} added to this process's environment (a CNI plugin's CNI_*). */
    public static Result run(List<String> command, java.util.Map<String, String> env, String stdin, Duration timeout) {
        String shown = String.join(" ", command);
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            return new Result(DID_NOT_RUN, "", shown + " could not start: " + e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), PIPES);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), PIPES);
        CompletableFuture.runAsync(() -> feed(process.getOutputStream(), stdin), PIPES);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(DID_NOT_RUN, partial(out), shown + " did not finish in " + seconds(timeout) + " and was killed"
                        + suffix(partial(err)));
            }
            // the process has ended; its pipes close with it (unless a child it left behind holds them)
            return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(DID_NOT_RUN, "", shown + ": interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return new Result(process.exitValue(), partial(out), shown + ": its output did not close after it ended");
        }
    }

    private static void feed(OutputStream in, String stdin) {
        try (in) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command exited without reading all of it: its exit code and stderr say why
        }
    }

    private static String drain(InputStream stream) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (stream) {
            stream.transferTo(bytes);
        } catch (IOException e) {
            // killed at the deadline: keep what was read
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String partial(CompletableFuture<String> output) {
        try {
            return output.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }

    private static String suffix(String stderr) {
        return stderr.isBlank() ? "" : ": " + stderr.strip();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
