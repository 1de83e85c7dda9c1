package io.coxswain.apiserver.registry;

import io.coxswain.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kube-apiserver's storage figures: {@code apiserver_storage_objects} by resource ({@code pods},
 * {@code deployments.apps}) and {@code apiserver_storage_size_bytes} (the store's database). Counting every resource
 * costs a pass over the store, so, as kube-apiserver does, they are counted now and then by {@link #refresh} and the
 * gauges show the last count; -1 until the first one.
 */
public final class StorageMetrics {

    private final Store store;
    /** Key prefix to the last count of its objects; one entry per resource, whatever its versions. */
    private final Map<String, AtomicLong> objects = new LinkedHashMap<>();
    private final AtomicLong size = new AtomicLong(-1);

    public StorageMetrics(Store store, ResourceRegistry resources, MeterRegistry registry) {
        this.store = store;
        for (ResourceInfo r : resources.all()) {
            if (objects.containsKey(r.keyPrefix()) || !r.verbs().contains("list")) {
                // one gauge per resource, and none for what is never stored (bindings)
                continue;
            }
            AtomicLong count = new AtomicLong(-1);
            objects.put(r.keyPrefix(), count);
            Gauge.builder("apiserver.storage.objects", count, AtomicLong::get)
                    .description("Number of stored objects at the time of last check split by kind.")
                    .tag("resource", resourceLabel(r)).register(registry);
        }
        Gauge.builder("apiserver.storage.size", size, AtomicLong::get).baseUnit("bytes")
                .description("Size of the storage database file physically allocated in bytes.")
                .tag("storage_cluster_id", "").register(registry);
    }

    /** kube's resource label: the plural, followed by the group when it is not the core one. */
    static String resourceLabel(ResourceInfo r) {
        String group = r.gvk().group();
        return group == null || group.isEmpty() ? r.plural() : r.plural() + "." + group;
    }

    /** Counts again; the store answers asynchronously, each gauge takes its number when it comes. */
    public void refresh() {
        objects.forEach((prefix, count) -> store.count(prefix).thenAccept(count::set));
        store.sizeBytes().thenAccept(size::set);
    }
}
