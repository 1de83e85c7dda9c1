package io.coxswain.apiserver.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Static bearer tokens in kube-apiserver's {@code --token-auth-file} format: one CSV line per token,
 * {@code token,user,uid,"group1,group2"} (the groups column is optional). The server re-reads the file when its
 * modification time or size changes, checked at most once a second from a background thread, so tokens that
 * {@code coxswain kubeconfig} appends work without a restart.
 */
public final class TokenFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private volatile Map<String, UserInfo> tokens = Map.of();
    private FileTime seenTime;
    private long seenSize = -1;
    private final java.util.concurrent.ScheduledExecutorService reloader;

    private TokenFile(Path file, boolean watch) {
        this.file = file;
        reload();
        if (watch) {
            reloader = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "token-file-reload");
                t.setDaemon(true);
                return t;
            });
            reloader.scheduleWithFixedDelay(this::reload, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        } else {
            reloader = null;
        }
    }

    /** Reads the file now and again whenever it changes. A missing file is an empty one. */
    public static TokenFile watch(Path file) {
        return new TokenFile(file, true);
    }

    public Optional<UserInfo> user(String token) {
        return Optional.ofNullable(tokens.get(token));
    }

    public Path file() {
        return file;
    }

    synchronized void reload() {
        try {
            if (!Files.exists(file)) {
                tokens = Map.of();
                return;
            }
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (time.equals(seenTime) && size == seenSize) {
                return;
            }
            tokens = parse(Files.readAllLines(file));
            seenTime = time;
            seenSize = size;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read the token file {}; the tokens known before stay: {}", file, e.toString());
        }
    }

    static Map<String, UserInfo> parse(List<String> lines) {
        Map<String, UserInfo> parsed = new HashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = csv(line);
            if (fields.size() < 3 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
                continue;
            }
            List<String> groups = new ArrayList<>();
            if (fields.size() > 3) {
                for (String g : fields.get(3).split(",")) {
                    if (!g.isBlank()) {
                        groups.add(g.trim());
                    }
                }
            }
            groups.add("system:authenticated");
            parsed.put(fields.get(0), new UserInfo(fields.get(1), fields.get(2), List.copyOf(groups)));
        }
        return Map.copyOf(parsed);
    }

    /** One CSV record: commas split fields, double quotes protect commas, {@code ""} is a quote. */
    static List<String> csv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString().trim());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString().trim());
        return fields;
    }

    /**
     * Appends a new random token for {@code user} to {@code file} (created 0600 if missing) and returns it.
     * Names and groups may not hold commas, quotes or line breaks.
     */
    public static String append(Path file, String user, List<String> groups) throws IOException {
        for (String s : concat(user, groups)) {
            if (s.isEmpty() || s.contains("\"") || s.contains(",") || s.contains("\n") || s.contains("\r")) {
                throw new IllegalArgumentException("a user or group name must be non-empty and hold no commas, quotes or line breaks: " + s);
            }
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        String line = token + "," + user + "," + java.util.UUID.randomUUID() + ",\"" + String.join(",", groups) + "\"\n";
        if (!Files.exists(file)) {
            Pki.writePrivate(file, "");
        }
        Files.writeString(file, line, StandardOpenOption.APPEND);
        return token;
    }

    private static List<String> concat(String user, List<String> groups) {
        List<String> all = new ArrayList<>(groups);
        all.add(0, user);
        return all;
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
