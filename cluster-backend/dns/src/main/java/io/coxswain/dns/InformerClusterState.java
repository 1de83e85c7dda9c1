package io.coxswain.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Services and their EndpointSlices from informers, indexed by namespace and by cluster IP, so every question is a map read. */
final class InformerClusterState implements ClusterState, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InformerClusterState.class);
    private static final String BY_CLUSTER_IP = "clusterIP";

    private final SharedIndexInformer<Service> services;
    private final EndpointSlices endpoints;

    InformerClusterState(KubernetesClient client) {
        services = client.services().inAnyNamespace().runnableInformer(0);
        services.addIndexers(Map.of(BY_CLUSTER_IP, InformerClusterState::clusterIps));
        endpoints = new EndpointSlices(client);
        for (SharedIndexInformer<?> informer : List.of(services, endpoints.informer())) {
            informer.exceptionHandler((started, error) -> {
                LOG.warn("dns watch failed, retrying: {}", error.toString());
                return true;
            });
        }
    }

    /** Starts both informers; completes once both have listed. */
    CompletableFuture<Void> start() {
        return services.start().toCompletableFuture().thenCombine(endpoints.informer().start(), (a, b) -> (Void) null);
    }

    static List<String> clusterIps(Service s) {
        if (s.getSpec() == null) {
            return List.of();
        }
        List<String> ips = s.getSpec().getClusterIPs();
        if (ips == null || ips.isEmpty()) {
            ips = s.getSpec().getClusterIP() == null ? List.of() : List.of(s.getSpec().getClusterIP());
        }
        return ips.stream().filter(ip -> !ip.isEmpty() && !"None".equals(ip)).toList();
    }

    @Override
    public Service service(String namespace, String name) {
        return services.getStore().getByKey(namespace + "/" + name);
    }

    @Override
    public boolean hasServicesIn(String namespace) {
        return !services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).isEmpty();
    }

    @Override
    public List<Endpoint> endpoints(String namespace, String service) {
        return endpoints.of(namespace, service);
    }

    @Override
    public List<Service> servicesWithClusterIp(String ip) {
        return services.getIndexer().byIndex(BY_CLUSTER_IP, ip);
    }

    @Override
    public boolean synced() {
        return services.hasSynced() && endpoints.hasSynced();
    }

    @Override
    public void close() {
        services.close();
        endpoints.close();
    }
}
