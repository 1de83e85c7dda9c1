package io.coxswain.dns;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.ArrayList;
import java.util.List;

/** Endpoints (core/v1) from an informer: addresses are ready, notReadyAddresses are not. */
final class EndpointsObjects implements EndpointSource {

    private final SharedIndexInformer<Endpoints> informer;

    EndpointsObjects(KubernetesClient client) {
        informer = client.endpoints().inAnyNamespace().runnableInformer(0);
    }

    SharedIndexInformer<Endpoints> informer() {
        return informer;
    }

    @Override
    public List<ClusterState.Endpoint> of(String namespace, String service) {
        Endpoints e = informer.getStore().getByKey(namespace + "/" + service);
        return e == null ? List.of() : convert(e);
    }

    static List<ClusterState.Endpoint> convert(Endpoints e) {
        List<ClusterState.Endpoint> out = new ArrayList<>();
        for (EndpointSubset subset : list(e.getSubsets())) {
            List<ClusterState.Port> ports = list(subset.getPorts()).stream().map(EndpointsObjects::port).toList();
            for (EndpointAddress a : list(subset.getAddresses())) {
                out.add(new ClusterState.Endpoint(a.getIp(), blankToNull(a.getHostname()), true, ports));
            }
            for (EndpointAddress a : list(subset.getNotReadyAddresses())) {
                out.add(new ClusterState.Endpoint(a.getIp(), blankToNull(a.getHostname()), false, ports));
            }
        }
        return out;
    }

    private static ClusterState.Port port(EndpointPort p) {
        return new ClusterState.Port(p.getName() == null ? "" : p.getName(), p.getPort(), p.getProtocol() == null ? "TCP" : p.getProtocol());
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
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
