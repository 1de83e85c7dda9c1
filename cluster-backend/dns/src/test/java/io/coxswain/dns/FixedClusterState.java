package io.coxswain.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A cluster view the test writes by hand: the zone's logic is checked without an apiserver. */
final class FixedClusterState implements ClusterState {

    final Map<String, Service> services = new HashMap<>();
    final Map<String, List<Endpoint>> endpoints = new HashMap<>();

    FixedClusterState service(String ns, String name, String clusterIp, String... namedPorts) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).endSpec();
        for (String p : namedPorts) {
            String[] f = p.split("[:/]");
            b.editSpec().addNewPort().withName(f[0]).withPort(Integer.parseInt(f[1])).withProtocol(f[2]).endPort().endSpec();
        }
        services.put(ns + "/" + name, b.build());
        return this;
    }

    FixedClusterState externalName(String ns, String name, String target) {
        services.put(ns + "/" + name, new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName(target).endSpec().build());
        return this;
    }

    FixedClusterState endpoint(String ns, String svc, String ip, String hostname, boolean ready, Port... ports) {
        endpoints.computeIfAbsent(ns + "/" + svc, k -> new ArrayList<>()).add(new Endpoint(ip, hostname, ready, List.of(ports)));
        return this;
    }

    @Override
    public Service service(String namespace, String name) {
        return services.get(namespace + "/" + name);
    }

    @Override
    public boolean hasServicesIn(String namespace) {
        return services.keySet().stream().anyMatch(k -> k.startsWith(namespace + "/"));
    }

    @Override
    public List<Endpoint> endpoints(String namespace, String service) {
        return endpoints.getOrDefault(namespace + "/" + service, List.of());
    }

    @Override
    public List<Service> servicesWithClusterIp(String ip) {
        return services.values().stream().filter(s -> InformerClusterState.clusterIps(s).contains(ip)).toList();
    }

    @Override
    public boolean synced() {
        return true;
    }
}
