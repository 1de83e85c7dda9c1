package io.coxswain.controllers.endpointslice;

import io.coxswain.client.Informers;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A controller's view of slice events: only the slices it manages (by {@code endpointslice.kubernetes.io/managed-by}),
 * mapped to their service by {@code kubernetes.io/service-name}, and only the changes it did not make itself.
 */
final class SliceEvents implements ResourceEventHandler<EndpointSlice> {

    private final SliceTracker tracker;
    private final String managedBy;
    private final Consumer<String> enqueue;

    SliceEvents(SliceTracker tracker, String managedBy, Consumer<String> enqueue) {
        this.tracker = tracker;
        this.managedBy = managedBy;
        this.enqueue = enqueue;
    }

    /** The cached slices that {@code managedBy} keeps for the service {@code namespace/service}. */
    static List<EndpointSlice> managed(SharedIndexInformer<EndpointSlice> slices, String namespace, String service, String managedBy) {
        return Informers.inNamespace(slices, namespace).stream()
                .filter(s -> service.equals(label(s, SliceTemplate.SERVICE_NAME)) && managedBy.equals(label(s, SliceTemplate.MANAGED_BY)))
                .toList();
    }

    private static String label(EndpointSlice slice, String key) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    private void changed(EndpointSlice slice, boolean deleted) {
        String service = label(slice, SliceTemplate.SERVICE_NAME);
        if (service == null || !managedBy.equals(label(slice, SliceTemplate.MANAGED_BY))) {
            return;
        }
        String key = slice.getMetadata().getNamespace() + "/" + service;
        if (tracker.shouldSync(key, slice, deleted)) {
            enqueue.accept(key);
        }
    }

    @Override
    public void onAdd(EndpointSlice slice) {
        changed(slice, false);
    }

    @Override
    public void onUpdate(EndpointSlice oldSlice, EndpointSlice newSlice) {
        changed(newSlice, false);
        // a slice relabelled away from a service or a controller leaves that service short
        String oldService = label(oldSlice, SliceTemplate.SERVICE_NAME);
        if (oldService != null && managedBy.equals(label(oldSlice, SliceTemplate.MANAGED_BY))
                && (!oldService.equals(label(newSlice, SliceTemplate.SERVICE_NAME))
                || !managedBy.equals(label(newSlice, SliceTemplate.MANAGED_BY)))) {
            enqueue.accept(oldSlice.getMetadata().getNamespace() + "/" + oldService);
        }
    }

    @Override
    public void onDelete(EndpointSlice slice, boolean deletedFinalStateUnknown) {
        changed(slice, true);
    }
}
