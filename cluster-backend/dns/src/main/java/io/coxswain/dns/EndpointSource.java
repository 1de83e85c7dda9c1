package io.coxswain.dns;

import java.util.List;

/** Where a Service's endpoints come from: its EndpointSlices ({@link EndpointSlices}), as kube's CoreDNS reads them. */
interface EndpointSource extends AutoCloseable {

    List<ClusterState.Endpoint> of(String namespace, String service);

    boolean hasSynced();

    @Override
    void close();
}
