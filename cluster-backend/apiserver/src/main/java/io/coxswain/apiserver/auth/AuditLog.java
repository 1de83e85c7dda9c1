package io.coxswain.apiserver.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One JSON line per mutating request (create, update, patch, delete, deletecollection), refused ones included:
 * when, who (user and groups), the verb, the resource, namespace and name (a create's from its body), the response
 * code and the request URI.
 * Lines are written by one thread of its own, in order, never on the event loop; the file is created 0600. A line
 * that would take the file past its {@link AuditRotation} size first moves it to {@code <file>.1} (older backups
 * shift up to {@code .2}, …, the oldest past the count deleted) and starts a new one.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    public static final Set<String> MUTATING = Set.of("create", "update", "patch", "delete", "deletecollection");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final AuditRotation rotation;
    private OutputStream out;
    private long size;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "audit-log");
        t.setDaemon(true);
        return t;
    });

    private AuditLog(Path file, AuditRotation rotation) throws IOException {
        this.file = file;
        this.rotation = rotation;
        openFile();
    }

    public static AuditLog open(Path file) throws IOException {
        return open(file, AuditRotation.DEFAULT);
    }

    public static AuditLog open(Path file, AuditRotation rotation) throws IOException {
        return new AuditLog(file, rotation);
    }

    private void openFile() throws IOException {
        if (!Files.exists(file)) {
            Pki.writePrivate(file, "");
        }
        out = Files.newOutputStream(file, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    /** {@code <file>.n}, the n-th newest backup. */
    public Path backup(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void write(byte[] line) throws IOException {
        if (size > 0 && size + line.length > rotation.maxBytes()) {
            rotate();
        }
        out.write(line);
        out.flush();
        size += line.length;
    }

    private void rotate() throws IOException {
        out.close();
        int missing = 1;
        while (Files.exists(backup(missing))) {
            missing++;
        }
        for (int n = missing - 1; n >= 1; n--) {
            if (rotation.maxBackups() > 0 && n >= rotation.maxBackups()) {
                Files.delete(backup(n));
            } else {
                Files.move(backup(n), backup(n + 1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, backup(1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        openFile();
    }

    public Path file() {
        return file;
    }

    /** Records the request if it mutates; returns at once. */
    public void record(RequestAttributes a, int code, String uri) {
        record(a, code, uri, () -> null);
    }

    /**
     * Records the request if it mutates; returns at once.
     *
     * @param createdName for a create, whose URL has no name: the name in the body, read on the audit thread
     */
    public void record(RequestAttributes a, int code, String uri, java.util.function.Supplier<String> createdName) {
        if (!a.resourceRequest() || !MUTATING.contains(a.verb())) {
            return;
        }
        Instant time = Instant.now();
        writer.execute(() -> {
            ObjectNode line = JSON.createObjectNode();
            line.put("time", time.toString());
            line.put("user", a.user().name());
            line.putPOJO("groups", a.user().groups());
            line.put("verb", a.verb());
            line.put("apiGroup", a.apiGroup());
            line.put("resource", a.subresource() == null ? a.resource() : a.resource() + "/" + a.subresource());
            line.put("namespace", a.namespace());
            line.put("name", a.name() != null || !a.verb().equals("create") ? a.name() : createdName.get());
            line.put("code", code);
            line.put("requestURI", uri);
            try {
                write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                LOG.warn("could not write the audit log {}: {}", file, e.toString());
            }
        });
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            out.close();
        } catch (IOException | InterruptedException e) {
            LOG.debug("closing the audit log", e);
        }
    }
}
