package io.coxswain.controllers.endpoints;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.List;

/** Which pods a Service selects, for the controllers that list them (Endpoints, EndpointSlice). */
public final class ServiceSelectors {

    private ServiceSelectors() {
    }

    /** A Service with an empty or no selector gets no endpoints from the controllers: its owner keeps them. */
    public static boolean hasSelector(Service service) {
        return service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty();
    }

    public static boolean selects(Service service, Pod pod) {
        if (!hasSelector(service)) {
            return false;
        }
        return io.coxswain.controllers.machinery.Selectors.matches(service.getSpec().getSelector(), pod.getMetadata().getLabels());
    }

    /** The keys of the services in the pod's namespace that select it. */
    public static List<String> servicesOf(SharedIndexInformer<Service> services, Pod pod) {
        return Informers.inNamespace(services, pod.getMetadata().getNamespace()).stream()
                .filter(s -> selects(s, pod)).map(Controller::key).toList();
    }
}
