package io.coxswain.controllers.endpointslice;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * kube-controller-manager's EndpointSliceMirroring controller: the Endpoints of a Service without a selector, which
 * someone keeps by hand, mirrored into EndpointSlices labelled
 * {@code endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io} and owned by the Endpoints,
 * so that readers of slices (kube-proxy, DNS) see them too. Endpoints labelled
 * {@code endpointslice.kubernetes.io/skip-mirror: "true"} and leader-election locks are not mirrored.
 */
public final class EndpointSliceMirroringController {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointSliceMirroringController.class);
    private static final String LEADER = "control-plane.alpha.kubernetes.io/leader";

    private final SharedIndexInformer<Endpoints> endpoints;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final SliceTracker tracker = new SliceTracker();
    private final SliceWriter writer;
    private final Controller controller;

    private EndpointSliceMirroringController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        this.endpoints = Informers.shared(informers, Endpoints.class);
        this.services = Informers.shared(informers, Service.class);
        this.slices = Informers.shared(informers, EndpointSlice.class);
        this.writer = new SliceWriter(client, tracker, "endpointslicemirroring");
        this.controller = new Controller("endpointslicemirroring", options.workers(), this::sync)
                .watch(endpoints, e -> List.of(Controller.key(e)))
                .watch(services, s -> List.of(Controller.key(s)))
                .watch(slices, new SliceEvents(tracker, EndpointsMirror.CONTROLLER, key -> controller().enqueue(key)));
    }

    /** Registers the informers it needs on the shared factory and returns the (not yet started) controller. */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new EndpointSliceMirroringController(client, informers, options).controller;
    }

    private Controller controller() {
        return controller;
    }

    private Duration sync(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Endpoints ep = Informers.get(endpoints, key);
        Service service = Informers.get(services, key);
        List<EndpointSlice> existing = SliceEvents.managed(slices, namespace, name, EndpointsMirror.CONTROLLER);
        if (tracker.stale(key, existing)) {
            throw new IllegalStateException("the EndpointSlice informer's cache is older than this controller's last writes");
        }
        if (ep == null || service == null || EndpointSliceController.hasSelector(service) || !shouldMirror(ep)) {
            writer.apply(key, namespace, new SliceReconciler.Plan(List.of(), List.of(), existing));
            if (ep == null || service == null) {
                tracker.forget(key);
            }
            return null;
        }
        int[] skipped = {0};
        DesiredEndpoints desired = EndpointsMirror.desired(ep, skipped);
        if (skipped[0] > 0) {
            LOG.warn("endpointslicemirroring: {}: {} addresses not mirrored (not an IP, or over {} in one subset)", key, skipped[0],
                    EndpointsMirror.MAX_ENDPOINTS_PER_SUBSET);
        }
        SliceTemplate template = new SliceTemplate(namespace, name, EndpointsMirror.labels(ep), EndpointsMirror.annotations(ep),
                EndpointsMirror.owner(ep), EndpointsMirror.MAX_ENDPOINTS_PER_SUBSET, false);
        writer.apply(key, namespace, SliceReconciler.plan(template, desired, "IPv4", existing));
        return null;
    }

    private static boolean shouldMirror(Endpoints ep) {
        Map<String, String> labels = ep.getMetadata().getLabels();
        Map<String, String> annotations = ep.getMetadata().getAnnotations();
        return !(labels != null && "true".equals(labels.get(EndpointsMirror.SKIP_MIRROR)))
                && !(annotations != null && annotations.containsKey(LEADER));
    }
}
