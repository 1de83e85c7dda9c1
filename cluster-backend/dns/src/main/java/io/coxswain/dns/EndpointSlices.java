package io.coxswain.dns;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Service's endpoints from its EndpointSlices (discovery.k8s.io/v1), found by their {@code kubernetes.io/service-name}
 * label through an index, as CoreDNS's kubernetes plugin reads them: IPv4 and IPv6 slices (not FQDN), an endpoint
 * whose ready condition is unset counts as ready, and an address in several slices is given once.
 */
final class EndpointSlices implements EndpointSource {

    static final String SERVICE_NAME_LABEL = io.coxswain.api.EndpointSliceLabels.SERVICE_NAME;
    private static final String BY_SERVICE = "service";

    private final SharedIndexInformer<EndpointSlice> informer;

    EndpointSlices(KubernetesClient client) {
        informer = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
        informer.addIndexers(Map.of(BY_SERVICE, EndpointSlices::serviceKey));
    }

    SharedIndexInformer<EndpointSlice> informer() {
        return informer;
    }

    private static List<String> serviceKey(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        return service == null ? List.of() : List.of(slice.getMetadata().getNamespace() + "/" + service);
    }

    @Override
    public List<ClusterState.Endpoint> of(String namespace, String service) {
        List<ClusterState.Endpoint> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (EndpointSlice slice : informer.getIndexer().byIndex(BY_SERVICE, namespace + "/" + service)) {
            if (!"IPv4".equals(slice.getAddressType()) && !"IPv6".equals(slice.getAddressType())) {
                continue;
            }
            List<ClusterState.Port> ports = list(slice.getPorts()).stream().map(EndpointSlices::port).toList();
            for (Endpoint e : list(slice.getEndpoints())) {
                boolean ready = e.getConditions() == null || e.getConditions().getReady() == null || e.getConditions().getReady();
                String hostname = e.getHostname() == null || e.getHostname().isEmpty() ? null : e.getHostname();
                for (String ip : list(e.getAddresses())) {
                    if (seen.add(ip + "/" + ready)) {
                        out.add(new ClusterState.Endpoint(ip, hostname, ready, ports));
                    }
                }
            }
        }
        return out;
    }

    private static ClusterState.Port port(EndpointPort p) {
        return new ClusterState.Port(p.getName() == null ? "" : p.getName(), p.getPort() == null ? 0 : p.getPort(),
                p.getProtocol() == null ? "TCP" : p.getProtocol());
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    @Override
    public boolean hasSynced() {
        return informer.hasSynced();
    }

    @Override
    public void close() {
        informer.close();
    }
}
