package io.coxswain.kubelet.pods;

import io.coxswain.kubelet.runtime.ContainerSpec;
import io.coxswain.kubelet.volumes.AtomicWriter;
import io.coxswain.kubelet.volumes.AtomicWriter.FileProjection;
import io.coxswain.kubelet.volumes.Modes;
import io.coxswain.kubelet.volumes.Tmpfs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A pod's volumes on the node, under {@code <root>/pods/<uid>/volumes}: an emptyDir is a directory that every
 * container of the pod mounts (a tmpfs with medium Memory); configMap, secret, downwardAPI and projected volumes are
 * files the kubelet writes with kube's atomic writer, the last three on a tmpfs of their own, and are rewritten in place
 * by every sync whose data changed; hostPath is allowed only when the node's policy says so.
 */
final class PodVolumes {

    /** A volume that cannot be set up now (its Secret is missing, say): the pod waits in ContainerCreating, retried. */
    static final class MountError extends RuntimeException {
        MountError(String message) {
            super(message);
        }
    }

    /** What a sync's volume setup gives: the host path of each volume, and when a token in them needs renewing. */
    record Prepared(Map<String, Path> paths, Instant tokenRenewal) {
    }

    private final Path root;
    private final boolean allowHostPath;
    private final VolumePayloads payloads;
    private final Tmpfs tmpfs;

    PodVolumes(Path root, boolean allowHostPath, VolumePayloads payloads, Tmpfs tmpfs) {
        this.root = root;
        this.allowHostPath = allowHostPath;
        this.payloads = payloads;
        this.tmpfs = tmpfs;
    }

    /**
     * Makes every volume of the pod ready and current: directories and mounts made once, API data rewritten when it
     * changed. Throws {@link MountError} (with the volume's name) or {@link EnvResolver.ConfigError}.
     */
    Prepared prepare(Pod pod) {
        Map<String, Path> paths = new HashMap<>();
        AtomicReference<Instant> renewal = new AtomicReference<>();
        Path base = podDir(pod.getMetadata().getUid()).resolve("volumes");
        for (Volume v : EnvResolver.list(pod.getSpec().getVolumes())) {
            try {
                if (v.getEmptyDir() != null) {
                    Path dir = base.resolve("empty-dir").resolve(v.getName());
                    if ("Memory".equals(v.getEmptyDir().getMedium())) {
                        tmpfs.ensure(dir);
                    } else {
                        Files.createDirectories(dir);
                    }
                    openUp(dir);
                    paths.put(v.getName(), dir);
                } else if (v.getConfigMap() != null) {
                    var src = v.getConfigMap();
                    Map<String, FileProjection> files = new LinkedHashMap<>();
                    payloads.keys(pod, KeyedData.Kind.CONFIG_MAP, src.getName(), src.getItems(), src.getOptional(), src.getDefaultMode(), files);
                    paths.put(v.getName(), written(base.resolve("configmap").resolve(v.getName()), false, files));
                } else if (v.getSecret() != null) {
                    var src = v.getSecret();
                    Map<String, FileProjection> files = new LinkedHashMap<>();
                    payloads.keys(pod, KeyedData.Kind.SECRET, src.getSecretName(), src.getItems(), src.getOptional(), src.getDefaultMode(), files);
                    paths.put(v.getName(), written(base.resolve("secret").resolve(v.getName()), true, files));
                } else if (v.getDownwardAPI() != null) {
                    Map<String, FileProjection> files = new LinkedHashMap<>();
                    payloads.downward(pod, v.getDownwardAPI().getItems(), v.getDownwardAPI().getDefaultMode(), files);
                    paths.put(v.getName(), written(base.resolve("downward-api").resolve(v.getName()), true, files));
                } else if (v.getProjected() != null) {
                    Map<String, FileProjection> files = payloads.projected(pod, v.getProjected().getSources(),
                            v.getProjected().getDefaultMode(), renewal);
                    paths.put(v.getName(), written(base.resolve("projected").resolve(v.getName()), true, files));
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
                            + "(emptyDir, configMap, secret, downwardAPI, projected and hostPath are supported)");
                }
            } catch (MountError e) {
                throw new MountError("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new MountError("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + e.getMessage());
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                // the apiserver refused or did not answer (a TokenRequest, a read of a Secret): a FailedMount, retried
                throw new MountError("MountVolume.SetUp failed for volume \"" + v.getName() + "\" : "
                        + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage()));
            } catch (IOException e) {
                throw new UncheckedIOException("preparing volume " + v.getName(), e);
            }
        }
        return new Prepared(paths, renewal.get());
    }

    /** The volume's directory (on its own tmpfs when {@code memory}) showing exactly {@code files}. */
    private Path written(Path dir, boolean memory, Map<String, FileProjection> files) throws IOException {
        if (memory) {
            tmpfs.ensure(dir);
        } else {
            Files.createDirectories(dir);
        }
        AtomicWriter.write(dir, files);
        return dir;
    }

    /** The volume types whose data comes from the API: kube mounts them read-only in every container. */
    private static boolean apiData(Volume v) {
        return v.getConfigMap() != null || v.getSecret() != null || v.getDownwardAPI() != null || v.getProjected() != null;
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

    List<ContainerSpec.Mount> mounts(Pod pod, Container container, Map<String, Path> volumes) {
        Set<String> readOnly = new HashSet<>();
        for (Volume v : EnvResolver.list(pod.getSpec().getVolumes())) {
            if (apiData(v)) {
                readOnly.add(v.getName());
            }
        }
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
            mounts.add(new ContainerSpec.Mount(host.toString(), m.getMountPath(),
                    Boolean.TRUE.equals(m.getReadOnly()) || readOnly.contains(m.getName())));
        }
        return mounts;
    }

    /** Removes what the pod left on the node. */
    void cleanup(String uid) {
        Path dir = podDir(uid);
        if (!Files.exists(dir)) {
            return;
        }
        Tmpfs.unmountUnder(dir);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path podDir(String uid) {
        return root.resolve("pods").resolve(uid);
    }

    /** Containers may run as any user, as with Kubernetes's emptyDir (0777). */
    private static void openUp(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, Modes.permissions(0777));
    }
}
