package io.coxswain.dns;

import java.util.List;

/**
 * Where a Service's endpoints come from. Today the core/v1 Endpoints objects ({@link EndpointsObjects}); the
 * discovery.k8s.io/v1 EndpointSlices, which kube's CoreDNS reads, take their place behind this when that kind lands.
 */
interface EndpointSource extends AutoCloseable {

    List<ClusterState.Endpoint> of(String namespace, String service);

    boolean hasSynced();

    @Override
    void close();
}
