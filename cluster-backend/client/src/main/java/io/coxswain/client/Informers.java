package io.coxswain.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.util.List;

/** One informer per resource type in the process, whichever controller asks first; and the listers' reads. */
public final class Informers {

    private Informers() {
    }

    /** The factory's informer for this type, registered on first use (no periodic resync, as kube-controller-manager's defaults). */
    public static <T extends HasMetadata> SharedIndexInformer<T> shared(SharedInformerFactory factory, Class<T> type) {
        synchronized (factory) {
            SharedIndexInformer<T> existing = factory.getExistingSharedIndexInformer(type);
            return existing != null ? existing : factory.sharedIndexInformerFor(type, 0);
        }
    }

    /** The cached object with this key ({@code namespace/name}), or null. */
    public static <T> T get(SharedIndexInformer<T> informer, String key) {
        return informer.getStore().getByKey(key);
    }

    /** The cached objects of one namespace. */
    public static <T> List<T> inNamespace(SharedIndexInformer<T> informer, String namespace) {
        return informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }
}
