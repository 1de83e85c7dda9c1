package io.coxswain.tests.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The docker CLI, iptables-save and plain HTTP from the host, for the proxy suites. */
final class HostCommands {

    record Result(int exitCode, String out) {
    }

    private HostCommands() {
    }

    /** Runs a command (stderr folded into stdout) and waits for it, at most 60 s. */
    static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String docker(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        Result r = run(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + r.out());
        }
        return r.out().strip();
    }

    static String iptablesSave() {
        return run("iptables-save").out();
    }

    static boolean available(String... command) {
        try {
            return run(command).exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The body of {@code GET /} over a fresh connection (HTTP/1.0, so every call may land on another endpoint). */
    static String get(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 3000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(body);
            String response = body.toString(StandardCharsets.UTF_8);
            int start = response.indexOf("\r\n\r\n");
            return start < 0 ? response : response.substring(start + 4).strip();
        }
    }

    /** Tries to connect; returns how long a refusal took in ms, or -1 when the connection was accepted. */
    static long refusalMillis(String host, int port) throws IOException {
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
            return -1;
        } catch (ConnectException e) {
            return (System.nanoTime() - started) / 1_000_000;
        }
    }

    /** The address the host would use toward the outside (no packet is sent to find it). */
    static String nodeIp() {
        String route = run("ip", "-4", "-o", "route", "get", "192.0.2.123").out();
        List<String> words = List.of(route.trim().split("\\s+"));
        int src = words.indexOf("src");
        if (src < 0) {
            throw new IllegalStateException("no source address in: " + route);
        }
        return words.get(src + 1);
    }
}
