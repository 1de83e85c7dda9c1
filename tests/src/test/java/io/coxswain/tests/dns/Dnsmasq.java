package io.coxswain.tests.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq on a loopback port of the test's choosing, in the foreground, with no configuration but the
 * arguments given (no /etc/dnsmasq.conf, no resolv.conf, no /etc/hosts), ended by its PID when the test closes it.
 */
final class Dnsmasq implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/dnsmasq");
    private final Process process;
    final int port;

    private Dnsmasq(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts it on 127.0.0.1:port with these extra arguments (records), and waits until it answers on TCP. */
    static Dnsmasq start(int port, List<String> records) throws IOException, InterruptedException {
        if (!installed()) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's dnsmasq-base (./coxswain test does)");
        }
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--pid-file=", "--user=root", "--listen-address=127.0.0.1",
                "--bind-interfaces", "--port=" + port, "--log-facility=-"));
        command.addAll(records);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Dnsmasq d = new Dnsmasq(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("dnsmasq exited at once (" + p.exitValue() + "): " + String.join(" ", command));
            }
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return d;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        d.close();
        throw new IllegalStateException("dnsmasq did not listen on 127.0.0.1:" + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
