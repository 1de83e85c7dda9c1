package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * kube's endpointslicemirroring utils.go: an Endpoints object's subsets as slice endpoints (addresses ready, not-ready
 * addresses not ready), each subset's ports as slice ports, and the labels, annotations and owner of mirrored slices.
 */
final class EndpointsMirror {

    static final String CONTROLLER = "endpointslicemirroring-controller.k8s.io";
    static final String SKIP_MIRROR = io.coxswain.api.EndpointSliceLabels.SKIP_MIRROR;
    /** kube's --mirroring-max-endpoints-per-subset: the rest of a larger subset is not mirrored. */
    static final int MAX_ENDPOINTS_PER_SUBSET = 1000;
    private static final List<String> UNCOPIED_ANNOTATIONS = List.of("endpoints.kubernetes.io/last-change-trigger-time",
            "kubectl.kubernetes.io/last-applied-configuration", "control-plane.alpha.kubernetes.io/leader");
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");

    private EndpointsMirror() {
    }

    /** The desired endpoints; an address a slice cannot hold is skipped (counted in {@code skipped}). */
    static DesiredEndpoints desired(Endpoints endpoints, int[] skipped) {
        DesiredEndpoints desired = new DesiredEndpoints();
        for (EndpointSubset subset : endpoints.getSubsets() == null ? List.<EndpointSubset>of() : endpoints.getSubsets()) {
            List<EndpointPort> ports = new ArrayList<>();
            for (io.fabric8.kubernetes.api.model.EndpointPort p : subset.getPorts() == null
                    ? List.<io.fabric8.kubernetes.api.model.EndpointPort>of() : subset.getPorts()) {
                ports.add(new EndpointPort(p.getAppProtocol(), p.getName() == null ? "" : p.getName(), p.getPort(),
                        p.getProtocol() == null ? "TCP" : p.getProtocol()));
            }
            int count = 0;
            for (boolean ready : new boolean[]{true, false}) {
                List<EndpointAddress> addresses = ready ? subset.getAddresses() : subset.getNotReadyAddresses();
                for (EndpointAddress address : addresses == null ? List.<EndpointAddress>of() : addresses) {
                    String type = addressType(address.getIp());
                    if (type == null || count >= MAX_ENDPOINTS_PER_SUBSET) {
                        skipped[0]++;
                        continue;
                    }
                    count++;
                    desired.add(type, ports, endpoint(address, ready));
                }
            }
        }
        return desired;
    }

    /** {@code addressToEndpoint}. */
    static Endpoint endpoint(EndpointAddress address, boolean ready) {
        Endpoint endpoint = new Endpoint();
        endpoint.setAddresses(new ArrayList<>(List.of(address.getIp())));
        endpoint.setConditions(new EndpointConditions(ready, null, null));
        endpoint.setTargetRef(address.getTargetRef());
        endpoint.setNodeName(address.getNodeName());
        if (address.getHostname() != null && !address.getHostname().isEmpty()) {
            endpoint.setHostname(address.getHostname());
        }
        return endpoint;
    }

    /**
     * IPv4 or IPv6 for an IP literal a slice accepts; null for anything else, and for the special addresses
     * (unspecified, loopback, link-local) that kube's Endpoints validation would have refused in the first place and
     * that the apiserver refuses in a slice.
     */
    static String addressType(String ip) {
        if (ip == null) {
            return null;
        }
        boolean v4 = IPV4.matcher(ip).matches();
        if (!v4 && !IPV6.matcher(ip).matches()) {
            return null;
        }
        try {
            // a literal: parsed without a lookup
            InetAddress address = InetAddress.getByName(ip);
            if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isMCLinkLocal()) {
                return null;
            }
            byte[] bytes = address.getAddress();
            return bytes.length == 4 && v4 ? "IPv4" : bytes.length == 16 ? "IPv6" : null;
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** The Endpoints' labels, less the reserved ones, plus this service's name and the mirroring controller's. */
    static Map<String, String> labels(Endpoints endpoints) {
        Map<String, String> labels = new HashMap<>(endpoints.getMetadata().getLabels() == null ? Map.of() : endpoints.getMetadata().getLabels());
        labels.remove(SliceTemplate.MANAGED_BY);
        labels.put(SliceTemplate.SERVICE_NAME, endpoints.getMetadata().getName());
        labels.put(SliceTemplate.MANAGED_BY, CONTROLLER);
        return labels;
    }

    static Map<String, String> annotations(Endpoints endpoints) {
        Map<String, String> annotations = new HashMap<>(endpoints.getMetadata().getAnnotations() == null ? Map.of()
                : endpoints.getMetadata().getAnnotations());
        UNCOPIED_ANNOTATIONS.forEach(annotations::remove);
        return annotations;
    }

    /** Mirrored slices belong to the Endpoints they mirror. */
    static OwnerReference owner(Endpoints endpoints) {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Endpoints").withName(endpoints.getMetadata().getName())
                .withUid(endpoints.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
    }
}
