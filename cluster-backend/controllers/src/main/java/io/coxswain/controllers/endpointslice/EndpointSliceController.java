package io.coxswain.controllers.endpointslice;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * kube-controller-manager's EndpointSlice controller: for every Service with a selector, EndpointSlices of at most
 * {@code --max-endpoints-per-slice} endpoints that list the selected pods with an IP (terminating ones too, not
 * ready but still serving while they drain), labelled {@code kubernetes.io/service-name} and
 * {@code endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io} and owned by the Service.
 * {@link SliceReconciler} decides the writes; {@link SliceTracker} keeps it from planning on a stale cache.
 */
public final class EndpointSliceController {

    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final SliceTracker tracker = new SliceTracker();
    private final SliceWriter writer;
    private final int maxEndpointsPerSlice;
    private final Controller controller;

    private EndpointSliceController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        this.services = Informers.shared(informers, Service.class);
        this.pods = Informers.shared(informers, Pod.class);
        this.nodes = Informers.shared(informers, Node.class);
        this.slices = Informers.shared(informers, EndpointSlice.class);
        this.writer = new SliceWriter(client, tracker, "endpointslice");
        this.maxEndpointsPerSlice = options.maxEndpointsPerSlice();
        this.controller = new Controller("endpointslice", options.workers(), this::sync)
                .watch(services, s -> List.of(Controller.key(s)))
                .watch(pods, this::servicesOf)
                .watch(nodes, n -> List.of()) // zones are read at sync time
                .watch(slices, new SliceEvents(tracker, PodEndpoints.CONTROLLER, key -> controller().enqueue(key)));
    }

    /** Registers the informers it needs on the shared factory and returns the (not yet started) controller. */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new EndpointSliceController(client, informers, options).controller;
    }

    private Controller controller() {
        return controller;
    }

    /** The services in the pod's namespace whose selector matches it. */
    private List<String> servicesOf(Pod pod) {
        return Informers.inNamespace(services, pod.getMetadata().getNamespace()).stream()
                .filter(s -> selects(s, pod)).map(Controller::key).toList();
    }

    static boolean hasSelector(Service service) {
        return service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty();
    }

    private static boolean selects(Service service, Pod pod) {
        if (!hasSelector(service)) {
            return false;
        }
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        return service.getSpec().getSelector().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private Duration sync(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service service = Informers.get(services, key);
        List<EndpointSlice> existing = SliceEvents.managed(slices, namespace, name, PodEndpoints.CONTROLLER);
        if (tracker.stale(key, existing)) {
            throw new IllegalStateException("the EndpointSlice informer's cache is older than this controller's last writes");
        }
        if (service == null || !hasSelector(service) || "ExternalName".equals(service.getSpec().getType())) {
            // no slices of ours: the service is gone (the garbage collector would get there too), or its
            // endpoints come from elsewhere (the mirroring controller, the user)
            writer.apply(key, namespace, new SliceReconciler.Plan(List.of(), List.of(), existing));
            if (service == null) {
                tracker.forget(key);
            }
            return null;
        }
        if (service.getMetadata().getDeletionTimestamp() != null) {
            return null;
        }
        List<Pod> selected = Informers.inNamespace(pods, namespace).stream().filter(p -> selects(service, p)).toList();
        DesiredEndpoints desired = PodEndpoints.desired(service, selected, nodeName -> Informers.get(nodes, nodeName));
        SliceTemplate template = new SliceTemplate(namespace, name, PodEndpoints.labels(service), null, PodEndpoints.owner(service),
                maxEndpointsPerSlice, true);
        SliceReconciler.Plan plan = SliceReconciler.plan(template, desired, PodEndpoints.addressTypes(service).stream().findFirst().orElse("IPv4"), existing);
        writer.apply(key, namespace, plan);
        return null;
    }
}
