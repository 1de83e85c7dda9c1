package io.coxswain.kubelet.volumes;

import io.coxswain.client.host.HostCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The memory-backed mounts of Secret, projected and downward API volumes, as the kubelet's: one tmpfs per volume, so a
 * Secret never lands on the node's disk. A mount is useful only when the container engine sees it, that is when this
 * process shares the engine's mount namespace; a kubelet started by {@code ip netns exec} (a mount namespace of its own,
 * whose mounts do not propagate back) writes plain directories instead, and says so once.
 */
public final class Tmpfs {

    private static final Logger LOG = LoggerFactory.getLogger(Tmpfs.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<Path> ENGINE_PID_FILES = List.of(Path.of("/var/run/docker.pid"), Path.of("/run/docker.pid"));

    private final boolean usable;

    private Tmpfs(boolean usable) {
        this.usable = usable;
    }

    /** Decides once whether mounts are made: as root, in the engine's mount namespace. */
    public static Tmpfs detect() {
        String why = unusableBecause();
        if (why != null) {
            LOG.warn("secret and projected volumes are plain directories, not tmpfs: {}", why);
        }
        return new Tmpfs(why == null);
    }

    private static String unusableBecause() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the kubelet does not run as root";
        }
        try {
            String own = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
            for (Path pidFile : ENGINE_PID_FILES) {
                if (Files.isReadable(pidFile)) {
                    String pid = Files.readString(pidFile).trim();
                    String engine = Files.readSymbolicLink(Path.of("/proc", pid, "ns", "mnt")).toString();
                    return own.equals(engine) ? null : "the kubelet's mount namespace is not the container engine's";
                }
            }
        } catch (IOException | RuntimeException e) {
            return "the mount namespaces could not be compared (" + e.getMessage() + ")";
        }
        return null;
    }

    /** Makes {@code dir} and mounts a tmpfs on it unless one is there already. */
    public void ensure(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!usable || mountPoints(dir).contains(dir.toAbsolutePath().normalize())) {
            return;
        }
        HostCommand.Result r = HostCommand.run(List.of("mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", dir.toString()), null, TIMEOUT);
        if (!r.ok()) {
            throw new IOException("mount -t tmpfs on " + dir + " failed: " + r.stderr().strip());
        }
    }

    /** Unmounts every mount under {@code dir}, deepest first, so the directory can be removed. */
    public static void unmountUnder(Path dir) {
        List<Path> mounts = new ArrayList<>(mountPoints(dir));
        mounts.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path m : mounts) {
            HostCommand.Result r = HostCommand.run(List.of("umount", m.toString()), null, TIMEOUT);
            if (!r.ok()) {
                LOG.warn("umount {} failed: {}", m, r.stderr().strip());
            }
        }
    }

    /** The mount points at or under {@code dir}, from /proc/self/mounts (octal escapes decoded). */
    static List<Path> mountPoints(Path dir) {
        Path base = dir.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length > 1) {
                    Path p = Path.of(unescape(f[1]));
                    if (p.startsWith(base)) {
                        found.add(p);
                    }
                }
            }
        } catch (IOException e) {
            // no /proc: nothing was mounted by us either
        }
        return found;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
