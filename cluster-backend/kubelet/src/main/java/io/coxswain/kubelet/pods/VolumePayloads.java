package io.coxswain.kubelet.pods;

import io.coxswain.kubelet.volumes.AtomicWriter.FileProjection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeProjection;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The files of the API-data volumes, as kube's volume plugins compute them before the atomic write: configMap and
 * secret (all keys, or {@code items} key → path with their own modes; {@code defaultMode} 0644; {@code optional}),
 * downwardAPI (pod fields and container resources) and projected (any of those plus a service account token). A
 * failure is a {@link PodVolumes.MountError} with kube's message.
 */
final class VolumePayloads {

    static final int DEFAULT_MODE = 0644;

    private final KeyedData.Lookup objects;
    private final ServiceAccountTokens tokens;
    private final long nodeCpuMillis;
    private final long nodeMemoryBytes;

    VolumePayloads(KeyedData.Lookup objects, ServiceAccountTokens tokens, long nodeCpuMillis, long nodeMemoryBytes) {
        this.objects = objects;
        this.tokens = tokens;
        this.nodeCpuMillis = nodeCpuMillis;
        this.nodeMemoryBytes = nodeMemoryBytes;
    }

    /** A configMap or secret volume (or projected source) into {@code into}. */
    void keys(Pod pod, KeyedData.Kind kind, String name, List<KeyToPath> items, Boolean optional, Integer defaultMode,
              Map<String, FileProjection> into) {
        KeyedData data = objects.get(kind, pod.getMetadata().getNamespace(), name);
        int mode = defaultMode == null ? DEFAULT_MODE : defaultMode;
        if (data == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new PodVolumes.MountError(kind.notFound(name));
        }
        if (EnvResolver.list(items).isEmpty()) {
            data.files().forEach((k, v) -> into.put(k, new FileProjection(v, mode)));
            return;
        }
        for (KeyToPath item : items) {
            byte[] content = data.files().get(item.getKey());
            if (content == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new PodVolumes.MountError(data.missingVolumeKey(item.getKey()));
            }
            into.put(item.getPath(), new FileProjection(content, item.getMode() == null ? mode : item.getMode()));
        }
    }

    /** downwardAPI items: metadata fields by fieldRef, container resources by resourceFieldRef. */
    void downward(Pod pod, List<DownwardAPIVolumeFile> items, Integer defaultMode, Map<String, FileProjection> into) {
        int mode = defaultMode == null ? DEFAULT_MODE : defaultMode;
        for (DownwardAPIVolumeFile item : EnvResolver.list(items)) {
            String value;
            try {
                if (item.getFieldRef() != null) {
                    value = EnvResolver.field(item.getFieldRef(), pod, null, null);
                } else if (item.getResourceFieldRef() != null) {
                    Container c = container(pod, item.getResourceFieldRef().getContainerName());
                    value = EnvResolver.resource(item.getResourceFieldRef(), c, nodeCpuMillis, nodeMemoryBytes);
                } else {
                    throw new PodVolumes.MountError("downwardAPI item " + item.getPath() + " has neither fieldRef nor resourceFieldRef");
                }
            } catch (EnvResolver.ConfigError e) {
                throw new PodVolumes.MountError(e.getMessage());
            }
            if (value == null) {
                value = "";
            }
            into.put(item.getPath(), new FileProjection(value.getBytes(StandardCharsets.UTF_8), item.getMode() == null ? mode : item.getMode()));
        }
    }

    /**
     * A projected volume: its sources in order, later paths over earlier ones.
     *
     * @param renewal lowered to the time its token must be renewed, when it has one
     */
    Map<String, FileProjection> projected(Pod pod, List<VolumeProjection> sources, Integer defaultMode,
                                          AtomicReference<Instant> renewal) {
        Map<String, FileProjection> files = new LinkedHashMap<>();
        int mode = defaultMode == null ? DEFAULT_MODE : defaultMode;
        for (VolumeProjection p : EnvResolver.list(sources)) {
            if (p.getSecret() != null) {
                keys(pod, KeyedData.Kind.SECRET, p.getSecret().getName(), p.getSecret().getItems(), p.getSecret().getOptional(), mode, files);
            } else if (p.getConfigMap() != null) {
                keys(pod, KeyedData.Kind.CONFIG_MAP, p.getConfigMap().getName(), p.getConfigMap().getItems(),
                        p.getConfigMap().getOptional(), mode, files);
            } else if (p.getDownwardAPI() != null) {
                downward(pod, p.getDownwardAPI().getItems(), mode, files);
            } else if (p.getServiceAccountToken() != null) {
                ServiceAccountTokens.Token token = tokens.token(pod, p.getServiceAccountToken());
                files.put(p.getServiceAccountToken().getPath(), new FileProjection(token.value().getBytes(StandardCharsets.UTF_8), mode));
                renewal.accumulateAndGet(token.refreshAt(), (a, b) -> a == null || b.isBefore(a) ? b : a);
            } else {
                throw new PodVolumes.MountError("projected volume source is not supported on this node "
                        + "(secret, configMap, downwardAPI and serviceAccountToken are)");
            }
        }
        return files;
    }

    private static Container container(Pod pod, String name) {
        if (name == null || name.isEmpty()) {
            throw new PodVolumes.MountError("resourceFieldRef in a downwardAPI volume needs a containerName");
        }
        for (Container c : pod.getSpec().getContainers()) {
            if (name.equals(c.getName())) {
                return c;
            }
        }
        for (Container c : EnvResolver.list(pod.getSpec().getInitContainers())) {
            if (name.equals(c.getName())) {
                return c;
            }
        }
        throw new PodVolumes.MountError("resourceFieldRef names container \"" + name + "\", which the pod does not have");
    }
}
