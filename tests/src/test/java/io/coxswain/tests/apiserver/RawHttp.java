package io.coxswain.tests.apiserver;

import io.coxswain.tests.cluster.AdminHttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 on a socket, byte for byte as written: for requests no well-behaved client would send (bare CR in a
 * header, two Content-Lengths, half a head) and for reading exactly what came back, headers and all. The socket speaks
 * TLS with the admin's client certificate of the server's kubeconfig, as every client of a secured apiserver does.
 */
final class RawHttp {

    /** What came back: the code (0 when the server closed without answering), the header lines and the body. */
    record Answer(int code, List<String> headers, String body) {
        boolean answered() {
            return code > 0;
        }

        boolean hasHeader(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix));
        }

        List<String> header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).toList();
        }

        @Override
        public String toString() {
            return code + " " + headers + " " + body.substring(0, Math.min(300, body.length()));
        }
    }

    private final AdminHttp admin;

    RawHttp(AdminHttp admin) {
        this.admin = admin;
    }

    /** A new connection from the loopback address {@code from} (127.0.0.1 or another of 127/8), handshake done, not yet used. */
    Socket connect(String from) throws IOException {
        return admin.connect(from);
    }

    /** A TCP connection without TLS, for what a client sends before (or instead of) a handshake. */
    Socket connectTcp(String from) throws IOException {
        return admin.connectTcp(from);
    }

    /** Sends the bytes on a new connection and reads one answer; the connection is closed after. */
    Answer exchange(byte[] request) throws IOException {
        try (Socket socket = connect("127.0.0.1")) {
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException refusedMidway) {
                // The server answered (a 413 or 431, say) and closed before it had the whole request; the answer can
                // still be read.
                try {
                    socket.shutdownOutput();
                } catch (IOException | UnsupportedOperationException alreadyGone) {
                    // read() reports what is left
                }
            }
            return read(socket, 30_000);
        }
    }

    Answer exchange(String request) throws IOException {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Reads the head and, when it has a Content-Length or is chunked, the body. With {@code headOnly} a chunked body
     * is not read (a watch stream that stays open).
     */
    static Answer read(Socket socket, int timeoutMillis) throws IOException {
        return read(socket, timeoutMillis, false);
    }

    static Answer read(Socket socket, int timeoutMillis, boolean headOnly) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        String status;
        try {
            status = line(in);
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException) {
                throw e;
            }
            return new Answer(0, List.of(), "connection reset: " + e.getMessage());
        }
        if (status == null) {
            return new Answer(0, List.of(), "");
        }
        String[] parts = status.split(" ", 3);
        int code = parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
        List<String> headers = new ArrayList<>();
        String h;
        long length = -1;
        boolean chunked = false;
        while ((h = line(in)) != null && !h.isEmpty()) {
            headers.add(h);
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (length > 0) {
            body.write(in.readNBytes((int) length));
        } else if (chunked && !headOnly) {
            String size;
            while ((size = line(in)) != null && !size.isEmpty()) {
                int n = Integer.parseInt(size.trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        }
        return new Answer(code, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** One CRLF-ended line, without the CRLF; null at the end of the stream before any byte. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = out.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            out.write(b);
        }
        return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
    }

    /** True when the server has closed this connection: the read sees the end, or a reset, within the wait. */
    static boolean closedByServer(Socket socket, int waitMillis) {
        try {
            socket.setSoTimeout(waitMillis);
            InputStream in = socket.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static String request(String method, String path, String contentType, byte[] body, String... extraHeaders) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        for (String h : extraHeaders) {
            head.append(h).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return head.toString();
    }

    static byte[] bytes(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
