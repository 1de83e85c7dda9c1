package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The endpoints a service should have, grouped as slices group them: by address type, then by the exact list of
 * ports (pods whose named target ports resolve differently land in different groups), each endpoint once by
 * kube's endpoint identity (its addresses, hostname and target).
 */
final class DesiredEndpoints {

    /** The endpoints of one address type that serve one list of ports, by identity. */
    record Group(String addressType, List<EndpointPort> ports, Map<String, Endpoint> endpoints) {
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    void add(String addressType, List<EndpointPort> ports, Endpoint endpoint) {
        groups.computeIfAbsent(groupKey(addressType, ports), k -> new Group(addressType, List.copyOf(ports), new LinkedHashMap<>()))
                .endpoints().putIfAbsent(identity(endpoint), endpoint);
    }

    Map<String, Group> groups() {
        return groups;
    }

    int size() {
        return groups.values().stream().mapToInt(g -> g.endpoints().size()).sum();
    }

    static String groupKey(String addressType, List<EndpointPort> ports) {
        return addressType + " " + Serialization.asJson(ports == null ? List.of() : ports);
    }

    /** kube's {@code hashEndpoint}: sorted addresses, hostname and the target's namespace/name. */
    static String identity(Endpoint endpoint) {
        StringBuilder key = new StringBuilder();
        key.append(new TreeSet<>(endpoint.getAddresses() == null ? List.of() : endpoint.getAddresses())).append('|')
                .append(endpoint.getHostname() == null ? "" : endpoint.getHostname()).append('|');
        if (endpoint.getTargetRef() != null) {
            key.append(endpoint.getTargetRef().getNamespace()).append('/').append(endpoint.getTargetRef().getName());
        }
        return key.toString();
    }

    /** Equal beyond identity: conditions, node, zone, hints, target's uid (never the target's resourceVersion). */
    static boolean same(Endpoint a, Endpoint b) {
        return Serialization.asJson(withoutVersion(a)).equals(Serialization.asJson(withoutVersion(b)));
    }

    private static Endpoint withoutVersion(Endpoint e) {
        if (e.getTargetRef() == null || e.getTargetRef().getResourceVersion() == null) {
            return e;
        }
        Endpoint copy = Serialization.clone(e);
        copy.getTargetRef().setResourceVersion(null);
        return copy;
    }

    static List<Endpoint> sorted(Map<String, Endpoint> byIdentity) {
        List<String> keys = new ArrayList<>(byIdentity.keySet());
        keys.sort(null);
        return keys.stream().map(byIdentity::get).toList();
    }
}
