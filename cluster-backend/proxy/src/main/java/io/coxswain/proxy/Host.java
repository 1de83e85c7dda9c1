package io.coxswain.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The host's networking tools (iptables-save, iptables-restore, ip, sysctl through /proc), run as processes. */
final class Host {

    private static final Logger LOG = LoggerFactory.getLogger(Host.class);
    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Host() {
    }

    /** Runs a command to its end, feeding it {@code stdin} (may be null), and returns its exit code and output. */
    static Result run(List<String> command, String stdin) {
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = read(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, out, String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out, err.join());
        } catch (IOException e) {
            return new Result(-1, "", String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", String.join(" ", command) + ": interrupted");
        }
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything in the filter and nat tables. */
    static HostTables save() {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("filter", "nat")) {
            Result r = run(List.of("iptables-save", "-t", table), null);
            if (!r.ok()) {
                throw new IllegalStateException("iptables-save -t " + table + " failed (" + r.exitCode() + "): " + r.stderr().strip());
            }
            all.append(r.stdout());
        }
        return HostTables.parse(all.toString());
    }

    /** Applies rules atomically with {@code iptables-restore --noflush}; on refusal logs the error and the numbered input. */
    static void restore(String text) {
        Result r = run(List.of("iptables-restore", "-w", "5", "--noflush"), text);
        if (!r.ok()) {
            StringBuilder numbered = new StringBuilder();
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length; i++) {
                numbered.append(String.format("%5d  %s%n", i + 1, lines[i]));
            }
            LOG.error("iptables-restore refused the rules (exit {}): {}\n{}", r.exitCode(), r.stderr().strip(), numbered);
            throw new IllegalStateException("iptables-restore failed (" + r.exitCode() + "): " + r.stderr().strip());
        }
    }

    /** Adds {@code local <cidr> dev lo table local} unless the local table already has that route. */
    static void ensureLocalRoute(String cidr) {
        Result show = run(List.of("ip", "-4", "route", "show", "table", "local", "exact", cidr), null);
        if (show.ok() && show.stdout().contains("local " + cidr)) {
            return;
        }
        Result add = run(List.of("ip", "route", "add", "local", cidr, "dev", "lo", "table", "local"), null);
        if (!add.ok() && !add.stderr().contains("File exists")) {
            throw new IllegalStateException("ip route add local " + cidr + " dev lo table local failed: " + add.stderr().strip());
        }
        LOG.info("routed service range {} to lo (table local)", cidr);
    }

    static void removeLocalRoute(String cidr) {
        Result del = run(List.of("ip", "route", "del", "local", cidr, "dev", "lo", "table", "local"), null);
        if (!del.ok() && !del.stderr().contains("No such process")) {
            LOG.warn("ip route del local {} dev lo table local failed: {}", cidr, del.stderr().strip());
        }
    }
}
