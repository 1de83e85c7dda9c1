package io.coxswain.controllers.endpointslice;

import io.coxswain.controllers.endpoints.Subsets;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * kube's endpointslice utils.go: a Service's pods as endpoints of each address type it has, with the ports each pod
 * serves, and the labels and owner of the Service's slices.
 */
final class PodEndpoints {

    static final String CONTROLLER = "endpointslice-controller.k8s.io";
    static final String HEADLESS = "service.kubernetes.io/headless";
    static final String ZONE = "topology.kubernetes.io/zone";

    private PodEndpoints() {
    }

    /** The service's address types: its ipFamilies, or for an old object the family of its clusterIP. */
    static List<String> addressTypes(Service service) {
        List<String> families = service.getSpec().getIpFamilies();
        if (families != null && !families.isEmpty()) {
            return families.stream().filter(f -> f.equals("IPv4") || f.equals("IPv6")).distinct().toList();
        }
        String clusterIp = service.getSpec().getClusterIP();
        return List.of(clusterIp != null && clusterIp.contains(":") ? "IPv6" : "IPv4");
    }

    /**
     * Every pod that belongs in the slices ({@code ShouldPodBeInEndpoints} with terminating pods included: they stay,
     * not ready, while they serve out their grace period), per address type and port list.
     */
    static DesiredEndpoints desired(Service service, List<Pod> pods, Function<String, Node> nodes) {
        DesiredEndpoints desired = new DesiredEndpoints();
        List<String> types = addressTypes(service);
        for (Pod pod : pods) {
            if (!Subsets.podCounts(pod, true)) {
                continue;
            }
            List<EndpointPort> ports = ports(service, pod);
            for (String type : types) {
                Endpoint endpoint = endpoint(service, pod, type, nodes);
                if (endpoint != null) {
                    desired.add(type, ports, endpoint);
                }
            }
        }
        return desired;
    }

    /** {@code getEndpointPorts}: each service port the pod resolves, its target port (by number or name) on this pod. */
    static List<EndpointPort> ports(Service service, Pod pod) {
        List<EndpointPort> out = new ArrayList<>();
        for (ServicePort servicePort : service.getSpec().getPorts() == null ? List.<ServicePort>of() : service.getSpec().getPorts()) {
            OptionalInt port = Subsets.findPort(pod, servicePort);
            if (port.isEmpty()) {
                continue;
            }
            EndpointPort p = new EndpointPort();
            p.setName(servicePort.getName() == null ? "" : servicePort.getName());
            p.setPort(port.getAsInt());
            p.setProtocol(servicePort.getProtocol() == null ? "TCP" : servicePort.getProtocol());
            p.setAppProtocol(servicePort.getAppProtocol());
            out.add(p);
        }
        return out;
    }

    /** {@code podToEndpoint}: null when the pod has no address of this type. */
    static Endpoint endpoint(Service service, Pod pod, String addressType, Function<String, Node> nodes) {
        boolean v6 = addressType.equals("IPv6");
        List<String> addresses = Subsets.podIps(pod).stream().filter(ip -> ip.contains(":") == v6).toList();
        if (addresses.isEmpty()) {
            return null;
        }
        boolean serving = Subsets.ready(pod);
        boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
        // ready is never true for a terminating pod, unless the service publishes not-ready addresses
        boolean ready = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses()) || (serving && !terminating);
        Endpoint endpoint = new Endpoint();
        endpoint.setAddresses(new ArrayList<>(addresses));
        endpoint.setConditions(new EndpointConditions(ready, serving, terminating));
        endpoint.setTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build());
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName != null && !nodeName.isEmpty()) {
            endpoint.setNodeName(nodeName);
            Node node = nodes.apply(nodeName);
            String zone = node == null || node.getMetadata().getLabels() == null ? null : node.getMetadata().getLabels().get(ZONE);
            if (zone != null && !zone.isEmpty()) {
                endpoint.setZone(zone);
            }
        }
        String hostname = pod.getSpec().getHostname();
        if (hostname != null && !hostname.isEmpty() && service.getMetadata().getName().equals(pod.getSpec().getSubdomain())
                && service.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())) {
            endpoint.setHostname(hostname);
        }
        return endpoint;
    }

    /** {@code setEndpointSliceLabels}: the service's labels, the headless mark, and the two reserved labels. */
    static Map<String, String> labels(Service service) {
        Map<String, String> labels = new HashMap<>();
        if (service.getMetadata().getLabels() != null) {
            service.getMetadata().getLabels().forEach((k, v) -> {
                if (!k.equals(SliceTemplate.SERVICE_NAME) && !k.equals(SliceTemplate.MANAGED_BY)) {
                    labels.put(k, v);
                }
            });
        }
        String clusterIp = service.getSpec().getClusterIP();
        if (clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None")) {
            labels.put(HEADLESS, "");
        } else {
            labels.remove(HEADLESS);
        }
        labels.put(SliceTemplate.SERVICE_NAME, service.getMetadata().getName());
        labels.put(SliceTemplate.MANAGED_BY, CONTROLLER);
        return labels;
    }

    /** The controller reference of a service's slices. */
    static OwnerReference owner(Service service) {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service").withName(service.getMetadata().getName())
                .withUid(service.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
    }
}
