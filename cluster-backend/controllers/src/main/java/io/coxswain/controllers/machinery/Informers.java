package io.coxswain.controllers.machinery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;

/** One informer per resource type in the process, as client-go's shared informer factory gives. */
public final class Informers {

    private Informers() {
    }

    /**
     * The factory's informer for this type, made on first use. fabric8's {@code sharedIndexInformerFor} makes a new
     * informer (and a new watch) on every call, so controllers ask here instead.
     */
    public static <T extends HasMetadata> SharedIndexInformer<T> shared(SharedInformerFactory factory, Class<T> type) {
        synchronized (factory) {
            SharedIndexInformer<T> existing = factory.getExistingSharedIndexInformer(type);
            return existing != null ? existing : factory.sharedIndexInformerFor(type, 0);
        }
    }
}
