package io.coxswain.proxy;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * kube-proxy's EndpointSliceCache and endpoint categorization: the IPv4 slices of each service, merged by their
 * {@code kubernetes.io/service-name} label, give per service port (matched by name and protocol) its endpoints with
 * their conditions; a service port is sent to its ready endpoints, or when none is ready to those that still serve
 * while they terminate (ProxyTerminatingEndpoints), and for the Local traffic policies to this node's, chosen the same
 * way.
 */
final class ServiceEndpoints {

    static final String SERVICE_NAME = io.coxswain.api.EndpointSliceLabels.SERVICE_NAME;
    static final String SKIP_MIRROR = io.coxswain.api.EndpointSliceLabels.SKIP_MIRROR;
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

    /** One endpoint of a service port: {@code ip:port}, its node (may be null) and its conditions. */
    record Target(String address, String node, boolean ready, boolean serving, boolean terminating) {
        String ip() {
            return address.substring(0, address.lastIndexOf(':'));
        }
    }

    /** The endpoints a service port's chains use: all of the cluster's, and this node's. */
    record Chosen(List<Target> cluster, List<Target> local) {
    }

    private final Map<String, List<EndpointSlice>> byService = new HashMap<>();

    private ServiceEndpoints() {
    }

    static ServiceEndpoints of(Collection<EndpointSlice> slices) {
        ServiceEndpoints out = new ServiceEndpoints();
        for (EndpointSlice slice : slices) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME);
            if (service == null || service.isEmpty() || !"IPv4".equals(slice.getAddressType())) {
                continue; // a slice of no service, or of an address family this proxy does not serve
            }
            out.byService.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service, k -> new ArrayList<>()).add(slice);
        }
        return out;
    }

    /**
     * An Endpoints object that its owner keeps out of EndpointSlices (skip-mirror), as the slices kube-proxy reads in its
     * place, one per subset: the loopback apiserver behind the {@code kubernetes} Service is such an address, which no
     * slice may hold.
     */
    static List<EndpointSlice> slicesOf(io.fabric8.kubernetes.api.model.Endpoints endpoints) {
        List<EndpointSlice> slices = new ArrayList<>();
        for (io.fabric8.kubernetes.api.model.EndpointSubset subset : Objects.requireNonNullElse(endpoints.getSubsets(),
                List.<io.fabric8.kubernetes.api.model.EndpointSubset>of())) {
            List<EndpointPort> ports = new ArrayList<>();
            for (io.fabric8.kubernetes.api.model.EndpointPort p : Objects.requireNonNullElse(subset.getPorts(),
                    List.<io.fabric8.kubernetes.api.model.EndpointPort>of())) {
                ports.add(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder().withName(p.getName())
                        .withPort(p.getPort()).withProtocol(p.getProtocol()).build());
            }
            List<Endpoint> ready = new ArrayList<>();
            for (io.fabric8.kubernetes.api.model.EndpointAddress a : Objects.requireNonNullElse(subset.getAddresses(),
                    List.<io.fabric8.kubernetes.api.model.EndpointAddress>of())) {
                ready.add(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder().withAddresses(a.getIp())
                        .withNodeName(a.getNodeName()).withNewConditions().withReady(true).withServing(true)
                        .withTerminating(false).endConditions().build());
            }
            slices.add(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder().withNewMetadata()
                    .withNamespace(endpoints.getMetadata().getNamespace())
                    .withName(endpoints.getMetadata().getName() + "-" + slices.size())
                    .addToLabels(SERVICE_NAME, endpoints.getMetadata().getName()).endMetadata()
                    .withAddressType("IPv4").withEndpoints(ready).withPorts(ports).build());
        }
        return slices;
    }

    /** The endpoints of one service port, sorted by address; one entry per {@code ip:port}, the readiest kept. */
    List<Target> endpoints(String serviceKey, String portName, String protocol) {
        Map<String, Target> targets = new TreeMap<>(Comparator.comparing(ServiceEndpoints::sortable));
        for (EndpointSlice slice : byService.getOrDefault(serviceKey, List.of())) {
            for (EndpointPort port : Objects.requireNonNullElse(slice.getPorts(), List.<EndpointPort>of())) {
                if (!Objects.requireNonNullElse(port.getName(), "").equals(portName)
                        || !Objects.requireNonNullElse(port.getProtocol(), "TCP").equals(protocol) || port.getPort() == null) {
                    continue;
                }
                for (Endpoint endpoint : Objects.requireNonNullElse(slice.getEndpoints(), List.<Endpoint>of())) {
                    if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()
                            || !IPV4.matcher(endpoint.getAddresses().get(0)).matches()) {
                        continue;
                    }
                    Target target = target(endpoint.getAddresses().get(0) + ":" + port.getPort(), endpoint);
                    targets.merge(target.address(), target, (a, b) -> rank(b) > rank(a) ? b : a);
                }
            }
        }
        return List.copyOf(targets.values());
    }

    /** kube-proxy's CategorizeEndpoints, without topology hints. */
    static Chosen choose(List<Target> endpoints, String nodeName) {
        List<Target> cluster = filter(endpoints, Target::ready);
        if (cluster.isEmpty()) {
            cluster = filter(endpoints, t -> t.serving() && t.terminating());
        }
        List<Target> local = filter(endpoints, t -> nodeName.equals(t.node()) && t.ready());
        if (local.isEmpty()) {
            local = filter(endpoints, t -> nodeName.equals(t.node()) && t.serving() && t.terminating());
        }
        return new Chosen(cluster, local);
    }

    private static List<Target> filter(List<Target> endpoints, Predicate<Target> keep) {
        return endpoints.stream().filter(keep).toList();
    }

    /** Unset conditions as kube reads them: ready unless said otherwise, serving as ready, not terminating. */
    private static Target target(String address, Endpoint endpoint) {
        var c = endpoint.getConditions();
        boolean ready = c == null || c.getReady() == null || c.getReady();
        boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        return new Target(address, endpoint.getNodeName(), ready, serving, terminating);
    }

    private static int rank(Target t) {
        return (t.ready() ? 2 : 0) + (t.serving() ? 1 : 0);
    }

    /** IPv4 {@code ip:port} in numeric order. */
    static String sortable(String target) {
        int colon = target.lastIndexOf(':');
        StringBuilder s = new StringBuilder();
        for (String octet : target.substring(0, colon).split("\\.")) {
            s.append(String.format("%03d.", Integer.parseInt(octet)));
        }
        return s.append(String.format("%05d", Integer.parseInt(target.substring(colon + 1)))).toString();
    }
}
