package io.coxswain.kubelet.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The ConfigMaps and Secrets that the node's pods use, each watched on its own (a list and watch with
 * {@code fieldSelector=metadata.name=NAME}, all the Node authorizer lets a node read), as kube's watch-based
 * secret and configMap managers: a pod's sync reads them from memory, and a change, an appearance or a deletion syncs
 * every pod that uses the object at once, which rewrites its volumes in place. A watch runs while some pod of the node
 * references the object.
 */
final class ReferencedObjects implements KeyedData.Lookup, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReferencedObjects.class);
    /** A pod the node just got may reach the apiserver's node graph a moment after the kubelet: a 403 is retried. */
    private static final int FORBIDDEN_RETRIES = 20;

    record Key(KeyedData.Kind kind, String namespace, String name) {
    }

    private final KubernetesClient client;
    private final Consumer<String> changed;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Set<Key>> byPod = new HashMap<>();

    /** @param changed told the uid of each pod whose objects changed */
    ReferencedObjects(KubernetesClient client, Consumer<String> changed) {
        this.client = client;
        this.changed = changed;
    }

    /** The objects a pod's env, envFrom, volumes and projected sources name (init containers included). */
    static Set<Key> references(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        Set<Key> keys = new HashSet<>();
        List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
        containers.addAll(EnvResolver.list(pod.getSpec().getInitContainers()));
        for (Container c : containers) {
            for (EnvFromSource from : EnvResolver.list(c.getEnvFrom())) {
                if (from.getConfigMapRef() != null) {
                    keys.add(new Key(KeyedData.Kind.CONFIG_MAP, ns, from.getConfigMapRef().getName()));
                }
                if (from.getSecretRef() != null) {
                    keys.add(new Key(KeyedData.Kind.SECRET, ns, from.getSecretRef().getName()));
                }
            }
            for (EnvVar v : EnvResolver.list(c.getEnv())) {
                if (v.getValueFrom() != null && v.getValueFrom().getConfigMapKeyRef() != null) {
                    keys.add(new Key(KeyedData.Kind.CONFIG_MAP, ns, v.getValueFrom().getConfigMapKeyRef().getName()));
                }
                if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) {
                    keys.add(new Key(KeyedData.Kind.SECRET, ns, v.getValueFrom().getSecretKeyRef().getName()));
                }
            }
        }
        for (Volume v : EnvResolver.list(pod.getSpec().getVolumes())) {
            if (v.getConfigMap() != null) {
                keys.add(new Key(KeyedData.Kind.CONFIG_MAP, ns, v.getConfigMap().getName()));
            }
            if (v.getSecret() != null) {
                keys.add(new Key(KeyedData.Kind.SECRET, ns, v.getSecret().getSecretName()));
            }
            if (v.getProjected() != null) {
                for (VolumeProjection p : EnvResolver.list(v.getProjected().getSources())) {
                    if (p.getConfigMap() != null) {
                        keys.add(new Key(KeyedData.Kind.CONFIG_MAP, ns, p.getConfigMap().getName()));
                    }
                    if (p.getSecret() != null) {
                        keys.add(new Key(KeyedData.Kind.SECRET, ns, p.getSecret().getName()));
                    }
                }
            }
        }
        keys.removeIf(k -> k.name() == null || k.name().isEmpty());
        return keys;
    }

    /** Watches what the pod references now, and stops watching what no pod references any more. */
    void track(Pod pod) {
        String uid = pod.getMetadata().getUid();
        Set<Key> keys = references(pod);
        List<Entry> stopped = new ArrayList<>();
        List<Entry> wanted = new ArrayList<>();
        synchronized (this) {
            Set<Key> before = byPod.getOrDefault(uid, Set.of());
            if (!before.equals(keys)) {
                release(uid, before, keys, stopped);
                byPod.put(uid, keys);
            }
            for (Key k : keys) {
                Entry e = entries.computeIfAbsent(k, Entry::new);
                e.pods.add(uid);
                wanted.add(e);
            }
        }
        stopped.forEach(Entry::stop);
        for (Entry e : wanted) {
            e.start();
        }
    }

    /** Stops what only this pod referenced. */
    void forget(String uid) {
        List<Entry> stopped = new ArrayList<>();
        synchronized (this) {
            Set<Key> before = byPod.remove(uid);
            if (before != null) {
                release(uid, before, Set.of(), stopped);
            }
        }
        stopped.forEach(Entry::stop);
    }

    private void release(String uid, Set<Key> before, Set<Key> now, List<Entry> stopped) {
        for (Key k : before) {
            if (!now.contains(k)) {
                Entry e = entries.get(k);
                if (e != null) {
                    e.pods.remove(uid);
                    if (e.pods.isEmpty()) {
                        entries.remove(k);
                        stopped.add(e);
                    }
                }
            }
        }
    }

    @Override
    public KeyedData get(KeyedData.Kind kind, String namespace, String name) {
        Entry e = entries.get(new Key(kind, namespace, name));
        SharedIndexInformer<? extends HasMetadata> informer = e == null ? null : e.informer;
        HasMetadata object;
        if (informer == null) {
            // not tracked (a pod seen before its first track): ask the apiserver
            object = kind == KeyedData.Kind.SECRET ? client.secrets().inNamespace(namespace).withName(name).get()
                    : client.configMaps().inNamespace(namespace).withName(name).get();
        } else {
            object = informer.getStore().getByKey(namespace + "/" + name);
        }
        if (object == null) {
            return null;
        }
        return object instanceof Secret s ? KeyedData.of(s) : KeyedData.of((ConfigMap) object);
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
            byPod.clear();
        }
        all.forEach(Entry::stop);
    }

    /** One watched object and the pods that use it. */
    private final class Entry {
        final Key key;
        final Set<String> pods = ConcurrentHashMap.newKeySet();
        volatile SharedIndexInformer<? extends HasMetadata> informer;
        /** Events before the first list ended are the list itself: the syncs that track read it anyway. */
        volatile boolean synced;
        boolean stopped;

        Entry(Key key) {
            this.key = key;
        }

        synchronized void start() {
            if (informer != null || stopped) {
                return;
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    informer = open();
                    synced = true;
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 403 || attempt >= FORBIDDEN_RETRIES) {
                        throw e;
                    }
                    LOG.debug("watch of {} {}/{} refused, retried: {}", key.kind().lower, key.namespace(), key.name(), e.getMessage());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        private SharedIndexInformer<? extends HasMetadata> open() {
            if (key.kind() == KeyedData.Kind.SECRET) {
                return client.secrets().inNamespace(key.namespace()).withName(key.name()).inform(handler(), 0);
            }
            return client.configMaps().inNamespace(key.namespace()).withName(key.name()).inform(handler(), 0);
        }

        private <T> ResourceEventHandler<T> handler() {
            return new ResourceEventHandler<>() {
                @Override
                public void onAdd(T obj) {
                    notifyPods();
                }

                @Override
                public void onUpdate(T old, T obj) {
                    notifyPods();
                }

                @Override
                public void onDelete(T obj, boolean unknownFinalState) {
                    notifyPods();
                }
            };
        }

        private void notifyPods() {
            if (synced) {
                pods.forEach(changed);
            }
        }

        synchronized void stop() {
            stopped = true;
            if (informer != null) {
                informer.close();
                informer = null;
            }
        }
    }
}
