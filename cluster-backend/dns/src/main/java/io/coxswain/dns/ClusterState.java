package io.coxswain.dns;

import io.fabric8.kubernetes.api.model.Service;

import java.util.List;

/** What cluster DNS reads of the cluster: Services and their endpoints, from informers' caches (never a request). */
public interface ClusterState {

    /** One address behind a Service, with the hostname its pod set (null when none) and the Service's ports on it. */
    record Endpoint(String ip, String hostname, boolean ready, List<Port> ports) {
    }

    /** A named port of an endpoint (the name is "" for an unnamed one). */
    record Port(String name, int port, String protocol) {
    }

    /** The Service, or null. */
    Service service(String namespace, String name);

    /** Whether any Service lives in the namespace: its {@code <ns>.svc} name exists then (NODATA rather than NXDOMAIN). */
    boolean hasServicesIn(String namespace);

    /** The endpoints of a Service, ready or not; empty when it has none. */
    List<Endpoint> endpoints(String namespace, String service);

    /** The Services whose cluster IPs include this address (for PTR). */
    List<Service> servicesWithClusterIp(String ip);

    /** Whether the informers have listed once, so that an unknown name is really unknown. */
    boolean synced();
}
