package io.coxswain.network;

import io.coxswain.client.host.HostCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The overlay's host tools ({@code ip}, {@code bridge}), each run through {@link HostCommand} with a deadline; a
 * timeout or a failed start is thrown here, as the agent's syncs want it. With a network namespace, every command runs
 * in it through {@code ip netns exec} (a host of a multi-host test).
 */
public final class HostCommands {

    /** The default deadline of one command; iproute2's calls take milliseconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

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
        return runWithInput(null, command);
    }

    /** {@link #run} with {@code input} on the command's standard input (iptables-restore's rules). */
    public Result runWithInput(String input, String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(Arrays.asList(command));
        HostCommand.Result r = HostCommand.run(full, input, timeout);
        if (r.exitCode() == HostCommand.DID_NOT_RUN) {
            throw new HostCommandException(r.stderr());
        }
        return new Result(full, r.exitCode(), r.stdout(), r.stderr());
    }

    /** Runs the command and returns its standard output; throws with the exit code and standard error unless it exited with 0. */
    public String check(String... command) {
        return run(command).orThrow();
    }
}
