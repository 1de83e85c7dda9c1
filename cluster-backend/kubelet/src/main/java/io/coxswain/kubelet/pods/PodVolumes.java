package io.coxswain.kubelet.pods;

import io.coxswain.kubelet.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * A pod's volumes on the node, under {@code <root>/pods/<uid>/volumes}: an emptyDir is a directory that every
 * container of the pod mounts, a configMap is its keys written as files, and hostPath is allowed only when the
 * node's policy says so.
 */
final class PodVolumes {

    private final Path root;
    private final boolean allowHostPath;
    private final BiFunction<String, String, ConfigMap> configMaps;

    PodVolumes(Path root, boolean allowHostPath, BiFunction<String, String, ConfigMap> configMaps) {
        this.root = root;
        this.allowHostPath = allowHostPath;
        this.configMaps = configMaps;
    }

    /** Makes every volume of the pod ready and returns its host path by volume name. */
    Map<String, Path> prepare(Pod pod) {
        Map<String, Path> paths = new HashMap<>();
        Path base = podDir(pod.getMetadata().getUid()).resolve("volumes");
        for (Volume v : EnvResolver.list(pod.getSpec().getVolumes())) {
            try {
                if (v.getEmptyDir() != null) {
                    Path dir = Files.createDirectories(base.resolve("empty-dir").resolve(v.getName()));
                    openUp(dir);
                    paths.put(v.getName(), dir);
                } else if (v.getConfigMap() != null) {
                    paths.put(v.getName(), configMap(pod, v, base.resolve("configmap").resolve(v.getName())));
                } else if (v.getHostPath() != null) {
                    if (!allowHostPath) {
                        throw new EnvResolver.ConfigError("hostPath volume \"" + v.getName()
                                + "\" is not allowed on this node (start the kubelet with --allow-host-path)");
                    }
                    Path p = Path.of(v.getHostPath().getPath());
                    String type = v.getHostPath().getType();
                    if ("DirectoryOrCreate".equals(type)) {
                        Files.createDirectories(p);
                    }
                    refuseEngineSocket(v.getName(), p);
                    paths.put(v.getName(), p);
                } else {
                    throw new EnvResolver.ConfigError("volume \"" + v.getName() + "\" has a type this node does not support "
                            + "(emptyDir, configMap and hostPath are supported)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("preparing volume " + v.getName(), e);
            }
        }
        return paths;
    }

    /** The container engines' sockets; the apiserver refuses them too, this catches symbolic links and subPaths. */
    private static final List<Path> ENGINE_SOCKETS = List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
            Path.of("/var/run/containerd/containerd.sock"), Path.of("/run/containerd/containerd.sock"));

    /** Refuses a host path that is, or holds, an engine's socket, after following symbolic links. */
    static void refuseEngineSocket(String volume, Path hostPath) {
        Path p = hostPath.toAbsolutePath().normalize();
        List<Path> candidates = new ArrayList<>(List.of(p));
        try {
            if (Files.exists(p)) {
                candidates.add(p.toRealPath());
            }
        } catch (IOException e) {
            // unreadable: judged by its name alone
        }
        for (Path socket : ENGINE_SOCKETS) {
            Path real = socket;
            try {
                if (Files.exists(socket)) {
                    real = socket.toRealPath();
                }
            } catch (IOException e) {
                // keep the name
            }
            for (Path c : candidates) {
                if (socket.startsWith(c) || real.startsWith(c)) {
                    throw new EnvResolver.ConfigError("volume \"" + volume + "\" would mount the container engine's socket ("
                            + socket + "), which no pod may mount");
                }
            }
        }
    }

    List<ContainerSpec.Mount> mounts(Container container, Map<String, Path> volumes) {
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        for (VolumeMount m : EnvResolver.list(container.getVolumeMounts())) {
            Path host = volumes.get(m.getName());
            if (host == null) {
                throw new EnvResolver.ConfigError("volumeMount \"" + m.getName() + "\" names no volume of the pod");
            }
            if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
                host = host.resolve(m.getSubPath()).normalize();
                refuseEngineSocket(m.getName(), host);
                try {
                    if (!Files.exists(host)) {
                        Files.createDirectories(host);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            mounts.add(new ContainerSpec.Mount(host.toString(), m.getMountPath(), Boolean.TRUE.equals(m.getReadOnly())));
        }
        return mounts;
    }

    /** Removes what the pod left on the node. */
    void cleanup(String uid) {
        Path dir = podDir(uid);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path podDir(String uid) {
        return root.resolve("pods").resolve(uid);
    }

    private Path configMap(Pod pod, Volume v, Path dir) throws IOException {
        var source = v.getConfigMap();
        ConfigMap cm = configMaps.apply(pod.getMetadata().getNamespace(), source.getName());
        Files.createDirectories(dir);
        if (cm == null) {
            if (Boolean.TRUE.equals(source.getOptional())) {
                return dir;
            }
            throw new EnvResolver.ConfigError("configmap \"" + source.getName() + "\" not found");
        }
        Map<String, byte[]> files = new HashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, val) -> files.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, val) -> files.put(k, Base64.getDecoder().decode(val)));
        }
        int mode = source.getDefaultMode() == null ? 0644 : source.getDefaultMode();
        List<KeyToPath> items = EnvResolver.list(source.getItems());
        if (items.isEmpty()) {
            for (var e : files.entrySet()) {
                write(dir.resolve(e.getKey()), e.getValue(), mode);
            }
        } else {
            for (KeyToPath item : items) {
                byte[] content = files.get(item.getKey());
                if (content == null) {
                    if (Boolean.TRUE.equals(source.getOptional())) {
                        continue;
                    }
                    throw new EnvResolver.ConfigError("configmap \"" + source.getName() + "\" has no key \"" + item.getKey() + "\"");
                }
                write(dir.resolve(item.getPath()).normalize(), content, item.getMode() == null ? mode : item.getMode());
            }
        }
        return dir;
    }

    private static void write(Path file, byte[] content, int mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Files.setPosixFilePermissions(file, permissions(mode));
    }

    /** Containers may run as any user, as with Kubernetes's emptyDir (0777). */
    private static void openUp(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, permissions(0777));
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
