package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a {@link SliceReconciler.Plan} to the apiserver and tells the tracker what it wrote. */
final class SliceWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SliceWriter.class);

    private final KubernetesClient client;
    private final SliceTracker tracker;
    private final String controller;

    SliceWriter(KubernetesClient client, SliceTracker tracker, String controller) {
        this.client = client;
        this.tracker = tracker;
        this.controller = controller;
    }

    /** Creates, then updates, then deletes (kube's order); a conflict or any failure throws, so the key is retried. */
    void apply(String serviceKey, String namespace, SliceReconciler.Plan plan) {
        for (EndpointSlice slice : plan.create()) {
            try {
                tracker.written(serviceKey, slices(namespace).resource(slice).create());
            } catch (KubernetesClientException e) {
                if (e.getCode() == 403 && terminating(e)) {
                    return; // a terminating namespace refuses new objects; its slices are going anyway
                }
                throw e;
            }
        }
        for (EndpointSlice slice : plan.update()) {
            tracker.written(serviceKey, slices(namespace).resource(slice).update());
        }
        for (EndpointSlice slice : plan.delete()) {
            slices(namespace).resource(slice).delete();
            tracker.deleted(serviceKey, slice);
        }
        if (!plan.isEmpty()) {
            LOG.debug("{}: {}: {} created, {} updated, {} deleted", controller, serviceKey, plan.create().size(),
                    plan.update().size(), plan.delete().size());
        }
    }

    private static boolean terminating(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null && e.getStatus().getMessage().contains("terminat");
    }

    private NonNamespaceOperation<EndpointSlice, EndpointSliceList, Resource<EndpointSlice>> slices(String namespace) {
        return client.discovery().v1().endpointSlices().inNamespace(namespace);
    }
}
