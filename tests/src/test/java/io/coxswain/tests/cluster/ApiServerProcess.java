package io.coxswain.tests.cluster;

import io.coxswain.apiserver.Kubeconfig;
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
 * <p>
 * It is secure as by default (TLS, client certificates, RBAC) with a data directory of its own, {@code <workDir>/data}
 * unless a {@code --data-dir} is given, never the user's ~/.coxswain; tests reach it through the admin kubeconfig it
 * wrote ({@link #kubeconfig()}). {@link #startInsecure} adds {@code --insecure-loopback}, for a benchmark's plain-HTTP
 * baseline only; its kubeconfig is a plain one the harness writes.
 */
public final class ApiServerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Path kubeconfig;
    private final AdminHttp http;

    private ApiServerProcess(Process process, Path log, Path kubeconfig) {
        this.process = process;
        this.log = log;
        this.kubeconfig = kubeconfig;
        this.http = AdminHttp.of(kubeconfig);
    }

    public static Path jar() {
        return SharedFiles.projectRoot().resolve("cluster-backend/coxswain/target/coxswain.jar");
    }

    /**
     * @param storeArgs such as {@code --store embedded}, or {@code --store etcd --etcd-servers URL}, and any other flag of
     *                  {@code coxswain apiserver} ({@code --tls-san}, {@code --max-watches-per-client}...); without a
     *                  {@code --data-dir} it is {@code <workDir>/data}
     */
    public static ApiServerProcess start(Path workDir, String... storeArgs) throws IOException, InterruptedException {
        return start(workDir, false, storeArgs);
    }

    /**
     * As {@link #start(Path, String...)} with {@code --insecure-loopback}: plain HTTP, no authentication. Only for the
     * plain-HTTP baseline a benchmark prints beside its TLS figures.
     */
    public static ApiServerProcess startInsecure(Path workDir, String... storeArgs) throws IOException, InterruptedException {
        return start(workDir, true, storeArgs);
    }

    /**
     * As {@link #start(Path, String...)}, listening on {@code host} rather than loopback: an address on a network the
     * test made (a bridge between network namespaces), which is also in the serving certificate.
     */
    public static ApiServerProcess startOn(String host, Path workDir, String... storeArgs) throws IOException, InterruptedException {
        return start(host, workDir, false, storeArgs);
    }

    private static ApiServerProcess start(Path workDir, boolean insecure, String... storeArgs) throws IOException, InterruptedException {
        return start("127.0.0.1", workDir, insecure, storeArgs);
    }

    private static ApiServerProcess start(String host, Path workDir, boolean insecure, String... storeArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(storeArgs));
        int dataDirAt = args.indexOf("--data-dir");
        Path dataDir = dataDirAt >= 0 ? Path.of(args.get(dataDirAt + 1)) : workDir.resolve("data");
        if (dataDirAt < 0) {
            args.addAll(List.of("--data-dir", dataDir.toString()));
        }
        if (insecure) {
            args.add("--insecure-loopback");
        }
        // an apiserver alone: no controller-manager makes the default ServiceAccounts that admission would wait for
        if (!args.contains("--disable-admission-plugins")) {
            args.addAll(List.of("--disable-admission-plugins", "ServiceAccount"));
        }
        // On a shared machine another process may take the free port between the probe and the server's bind.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(host, workDir, insecure, args);
            } catch (IOException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("BindException")) {
                    throw e;
                }
            }
        }
    }

    private static ApiServerProcess startOnce(String host, Path workDir, boolean insecure, List<String> storeArgs)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString(), "apiserver", "--listen", host + ":" + port));
        command.addAll(storeArgs);
        Files.createDirectories(workDir);
        Path log = workDir.resolve("apiserver.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            // "admin kubeconfig: <path>" then "apiserver listening on https://…"; http:// with --insecure-loopback
            String printed = Files.readString(log);
            java.util.regex.Matcher listening = java.util.regex.Pattern.compile("apiserver listening on (\\S+)").matcher(printed);
            if (listening.find()) {
                if (insecure) {
                    return new ApiServerProcess(process, log, Kubeconfig.write(workDir.resolve("insecure"), listening.group(1)));
                }
                java.util.regex.Matcher written = java.util.regex.Pattern.compile("admin kubeconfig: (\\S+)").matcher(printed);
                if (!written.find() || !listening.group(1).startsWith("https://")) {
                    process.destroyForcibly();
                    throw new IOException("the apiserver is not secure or wrote no admin kubeconfig; its log:\n" + printed);
                }
                return new ApiServerProcess(process, log, Path.of(written.group(1)));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("the apiserver did not start; its log:\n" + Files.readString(log));
    }

    /** {@code https://127.0.0.1:PORT}, or {@code http://} for {@link #startInsecure}. */
    public String url() {
        return http.url();
    }

    /** The admin kubeconfig the server wrote in its data directory (a plain one for {@link #startInsecure}). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The CA of the server's data directory ({@code <data-dir>/pki}), to issue other users' certificates. */
    public io.coxswain.apiserver.auth.Pki pki() {
        return io.coxswain.apiserver.auth.Pki.open(kubeconfig.toAbsolutePath().getParent().resolve("pki"));
    }

    /** Raw HTTP to the server as the admin of {@link #kubeconfig()}. */
    public AdminHttp http() {
        return http;
    }

    /** A new fabric8 client from {@link #kubeconfig()}; the caller closes it. */
    public io.fabric8.kubernetes.client.KubernetesClient newClient() {
        return AdminHttp.client(kubeconfig);
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

    /**
     * The CPU time the server's JVM has used so far (user and system, all its threads), in nanoseconds, from
     * /proc/PID/stat in clock ticks of 1/100 s (Linux's USER_HZ); -1 where that cannot be read.
     */
    public long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14 and stime 15 of the whole line
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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

    /** SIGTERM, as systemd or a container runtime stops it; returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** The exit code once the process has ended within {@code timeout}; null if it is still running. */
    public Integer awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
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
