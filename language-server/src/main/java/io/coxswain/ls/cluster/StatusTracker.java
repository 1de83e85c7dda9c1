package io.coxswain.ls.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared informer per kind and namespace, started when a document first names that namespace; never one watch
 * per document. Every event only signals a change: the statuses are recomputed from the caches.
 */
final class StatusTracker implements ClusterCache {

    static final List<Class<? extends HasMetadata>> KINDS = List.of(Pod.class, Event.class, ReplicaSet.class,
            Deployment.class, Job.class, CronJob.class, Service.class, Endpoints.class);

    private final KubernetesClient client;
    private final Runnable onChange;
    private final Map<String, Map<Class<?>, SharedIndexInformer<? extends HasMetadata>>> byNamespace = new ConcurrentHashMap<>();

    StatusTracker(KubernetesClient client, Runnable onChange) {
        this.client = client;
        this.onChange = onChange;
    }

    /** Starts the namespace's informers if they are not running; never blocks on the cluster. */
    void watch(String namespace) {
        byNamespace.computeIfAbsent(namespace, ns -> {
            Map<Class<?>, SharedIndexInformer<? extends HasMetadata>> informers = new ConcurrentHashMap<>();
            for (Class<? extends HasMetadata> kind : KINDS) {
                informers.put(kind, start(kind, ns));
            }
            return informers;
        });
    }

    private <T extends HasMetadata> SharedIndexInformer<T> start(Class<T> kind, String namespace) {
        SharedIndexInformer<T> informer = client.resources(kind).inNamespace(namespace).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.run();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.run();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onChange.run();
            }
        });
        informer.start();
        return informer;
    }

    /** Whether every informer of the namespace has its first list. */
    boolean synced(String namespace) {
        var informers = byNamespace.get(namespace);
        return informers != null && informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        var informers = byNamespace.get(namespace);
        var informer = informers == null ? null : informers.get(type);
        return informer == null ? null : (T) informer.getStore().getByKey(namespace + "/" + name);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
        var informers = byNamespace.get(namespace);
        var informer = informers == null ? null : informers.get(type);
        return informer == null ? List.of() : (List<T>) informer.getStore().list();
    }

    void stop() {
        byNamespace.values().forEach(informers -> informers.values().forEach(SharedIndexInformer::stop));
        byNamespace.clear();
    }
}
