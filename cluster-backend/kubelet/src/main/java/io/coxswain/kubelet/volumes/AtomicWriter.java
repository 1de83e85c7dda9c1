package io.coxswain.kubelet.volumes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Projects a set of files into a volume directory so that a reader never sees half of an update, with the layout of
 * kube's pkg/volume/util/atomic_writer.go: the files live in a hidden timestamped directory
 * ({@code ..2026_12_08_01_20_00.1234}), {@code ..data} is a symbolic link to it, and each user-visible name is a
 * link into {@code ..data}. An update writes a new timestamped directory and renames a new {@code ..data} link over the
 * old one, which rename(2) does atomically; then old names go and the old directory is removed. Callers serialize
 * writes to one directory.
 */
public final class AtomicWriter {

    static final String DATA = "..data";
    private static final String DATA_TMP = "..data_tmp";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.");

    /** One file's content and mode. */
    public record FileProjection(byte[] data, int mode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileProjection f && f.mode == mode && Arrays.equals(f.data, data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data) * 31 + mode;
        }
    }

    private AtomicWriter() {
    }

    /**
     * Makes {@code dir} show exactly {@code payload} (relative path → file).
     *
     * @return whether anything was written (false when the volume already showed this payload)
     * @throws IllegalArgumentException for a path that is absolute, has a {@code ..} element or starts with {@code ..}
     */
    public static boolean write(Path dir, Map<String, FileProjection> payload) throws IOException {
        Map<String, FileProjection> clean = new TreeMap<>();
        payload.forEach((path, file) -> clean.put(validated(path), file));
        Path dataLink = dir.resolve(DATA);
        String oldStamp = null;
        if (Files.isSymbolicLink(dataLink)) {
            oldStamp = Files.readSymbolicLink(dataLink).toString();
        }
        Set<String> toRemove = Set.of();
        if (oldStamp != null) {
            Path old = dir.resolve(oldStamp);
            Map<String, FileProjection> current = read(old);
            if (current.equals(clean)) {
                return false;
            }
            toRemove = topLevel(current.keySet());
            toRemove.removeAll(topLevel(clean.keySet()));
        }
        Path stamp = Files.createTempDirectory(dir, ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
        Files.setPosixFilePermissions(stamp, Modes.permissions(0755));
        for (var e : clean.entrySet()) {
            Path file = stamp.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue().data());
            // the umask would narrow the mode otherwise
            Files.setPosixFilePermissions(file, Modes.permissions(e.getValue().mode()));
        }
        for (String name : topLevel(clean.keySet())) {
            Path visible = dir.resolve(name);
            if (!Files.isSymbolicLink(visible)) {
                Files.createSymbolicLink(visible, Path.of(DATA, name));
            }
        }
        Path tmp = dir.resolve(DATA_TMP);
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, stamp.getFileName());
        Files.move(tmp, dataLink, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String name : toRemove) {
            Files.deleteIfExists(dir.resolve(name));
        }
        if (oldStamp != null) {
            removeTree(dir.resolve(oldStamp));
        }
        return true;
    }

    /** The files under a timestamped directory, by relative path. */
    private static Map<String, FileProjection> read(Path stampDir) throws IOException {
        Map<String, FileProjection> files = new TreeMap<>();
        if (!Files.isDirectory(stampDir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(stampDir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(stampDir.relativize(p).toString(), new FileProjection(Files.readAllBytes(p),
                        Modes.mode(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))));
            }
        }
        return files;
    }

    private static Set<String> topLevel(Set<String> paths) {
        Set<String> names = new HashSet<>();
        for (String p : paths) {
            int slash = p.indexOf('/');
            names.add(slash < 0 ? p : p.substring(0, slash));
        }
        return names;
    }

    static String validated(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("invalid path: must not be empty");
        }
        if (path.startsWith("/")) {
            throw new IllegalArgumentException("invalid path: must be relative path: " + path);
        }
        if (path.length() > 4096) {
            throw new IllegalArgumentException("invalid path: must be less than or equal to 4096 characters");
        }
        String[] items = path.split("/");
        for (String item : items) {
            if (item.equals("..")) {
                throw new IllegalArgumentException("invalid path: must not contain '..': " + path);
            }
            if (item.length() > 255) {
                throw new IllegalArgumentException("invalid path: filenames must be less than or equal to 255 characters");
            }
        }
        if (items[0].startsWith("..") && items[0].length() > 2) {
            throw new IllegalArgumentException("invalid path: must not start with '..': " + path);
        }
        return Path.of(path).normalize().toString();
    }

    static void removeTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }
}
