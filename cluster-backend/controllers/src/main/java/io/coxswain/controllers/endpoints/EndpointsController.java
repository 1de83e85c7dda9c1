package io.coxswain.controllers.endpoints;

import io.coxswain.controllers.ControllerOptions;
import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube-controller-manager's Endpoints controller: for every Service with a selector, an Endpoints object of the same
 * name listing the selected pods that have an IP, ready ones as addresses and the others as notReadyAddresses
 * (all as addresses with publishNotReadyAddresses), with the service ports resolved against each pod. Services
 * without a selector are left to their owners; the Endpoints of a deleted Service are deleted. It writes only
 * when the subsets or labels differ from what is stored.
 */
public final class EndpointsController {

    static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
    static final String HEADLESS = "service.kubernetes.io/headless";
    private static final String LEADER = "control-plane.alpha.kubernetes.io/leader";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Endpoints> endpoints;
    private final TriggerTimes triggers = new TriggerTimes();
    private final Controller controller;

    private EndpointsController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        this.client = client;
        this.services = Informers.shared(informers, Service.class);
        this.pods = Informers.shared(informers, Pod.class);
        this.endpoints = Informers.shared(informers, Endpoints.class);
        this.controller = new Controller("endpoints", options.workers(), this::sync)
                .watch(services, s -> List.of(Controller.key(s)))
                .watch(pods, pod -> ServiceSelectors.servicesOf(services, pod));
        endpoints.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Endpoints e) {
                // the first list is kube's checkLeftoverEndpoints; later, only Endpoints of a known Service matter
                if (!endpoints.hasSynced() || services.getIndexer().getByKey(Controller.key(e)) != null) {
                    enqueueUnlessLeaderLock(e);
                }
            }

            @Override
            public void onUpdate(Endpoints oldObj, Endpoints newObj) {
                if (services.getIndexer().getByKey(Controller.key(newObj)) != null) {
                    enqueueUnlessLeaderLock(newObj);
                }
            }

            @Override
            public void onDelete(Endpoints e, boolean deletedFinalStateUnknown) {
                enqueueUnlessLeaderLock(e);
            }
        });
    }

    /** Registers the informers it needs on the shared factory and returns the (not yet started) controller. */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new EndpointsController(client, informers, options).controller;
    }

    private void enqueueUnlessLeaderLock(Endpoints e) {
        if (e.getMetadata().getAnnotations() == null || !e.getMetadata().getAnnotations().containsKey(LEADER)) {
            controller.enqueue(Controller.key(e));
        }
    }

    private Duration sync(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service service = services.getIndexer().getByKey(key);
        if (service == null) {
            triggers.forget(key);
            if (endpoints.getIndexer().getByKey(key) != null) {
                client.endpoints().inNamespace(namespace).withName(name).delete();
            }
            return null;
        }
        if (!ServiceSelectors.hasSelector(service)) {
            return null; // the user's own Endpoints
        }
        List<Pod> selected = Informers.inNamespace(pods, namespace).stream().filter(p -> ServiceSelectors.selects(service, p)).toList();
        Instant trigger = triggers.compute(key, service, selected);
        List<EndpointSubset> subsets = Subsets.of(service, selected);

        Endpoints current = endpoints.getIndexer().getByKey(key);
        Map<String, String> labels = new HashMap<>(service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels());
        if (current != null && sameSubsets(current.getSubsets(), subsets) && sameLabelsButHeadless(current, labels)) {
            return null;
        }
        String clusterIp = service.getSpec().getClusterIP();
        if (clusterIp == null || clusterIp.isEmpty() || "None".equals(clusterIp)) {
            labels.put(HEADLESS, "");
        }
        Endpoints desired = current == null
                ? new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build()
                : new EndpointsBuilder(current).build();
        Map<String, String> annotations = desired.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(desired.getMetadata().getAnnotations());
        if (trigger != null) {
            annotations.put(TRIGGER_TIME, rfc3339Nano(trigger));
        } else {
            annotations.remove(TRIGGER_TIME);
        }
        desired.getMetadata().setAnnotations(annotations);
        desired.getMetadata().setLabels(labels);
        desired.setSubsets(subsets);
        var resource = client.endpoints().inNamespace(namespace).resource(desired);
        try {
            if (current == null) {
                resource.create();
            } else {
                resource.update();
            }
        } catch (KubernetesClientException e) {
            if (current == null && e.getCode() == 403) {
                return null; // a terminating namespace refuses new objects
            }
            throw e;
        }
        return null;
    }

    /** Equal subsets, ignoring the resourceVersion of target references (which pod updates would churn). */
    static boolean sameSubsets(List<EndpointSubset> stored, List<EndpointSubset> desired) {
        List<EndpointSubset> copy = stored == null ? List.of() : stored.stream().map(Serialization::clone).toList();
        copy.forEach(subset -> java.util.stream.Stream.of(subset.getAddresses(), subset.getNotReadyAddresses())
                .filter(Objects::nonNull).flatMap(List::stream)
                .filter(a -> a.getTargetRef() != null).forEach(a -> a.getTargetRef().setResourceVersion(null)));
        return Serialization.asJson(copy).equals(Serialization.asJson(desired));
    }

    private static boolean sameLabelsButHeadless(Endpoints current, Map<String, String> serviceLabels) {
        Map<String, String> labels = new HashMap<>(current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels());
        labels.remove(HEADLESS);
        return Objects.equals(labels, serviceLabels);
    }

    /** Go's RFC3339Nano: fractional seconds without trailing zeros. */
    static String rfc3339Nano(Instant t) {
        String fraction = t.getNano() == 0 ? "" : ("." + String.format("%09d", t.getNano())).replaceAll("0+$", "");
        return SECONDS.format(t) + fraction + "Z";
    }
}
