package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.admission.ServiceAllocator;
import io.coxswain.apiserver.registry.ResourceStrategy;

import java.util.List;

/**
 * Service, as kube's service REST with its allocators: a new Service gets its cluster IP and node ports before it is
 * stored and gives them back when it goes (or when the create fails or is a dry run); an update keeps what was
 * allocated where the request leaves it out, and may not change the cluster IP.
 */
public final class ServiceStrategy implements ResourceStrategy {

    private final ServiceAllocator allocator;

    public ServiceStrategy(ServiceAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public void allocate(ObjectNode service) {
        allocator.allocate(service);
    }

    @Override
    public void release(ObjectNode service) {
        allocator.release(service);
    }

    @Override
    public void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
        if (subresource != null) {
            return;
        }
        ObjectNode spec = next.with("spec");
        JsonNode was = current.path("spec");
        String name = next.path("metadata").path("name").asText();
        String oldIp = was.path("clusterIP").asText("");
        String newIp = spec.path("clusterIP").asText("");
        if (newIp.isEmpty() && !oldIp.isEmpty()) {
            spec.set("clusterIP", was.get("clusterIP"));
            spec.set("clusterIPs", was.get("clusterIPs"));
        } else if (!newIp.equals(oldIp)) {
            throw ApiException.invalid("", "Service", name, List.of(new ApiException.Cause("FieldValueInvalid",
                    "Invalid value: \"" + newIp + "\": field is immutable", "spec.clusterIPs[0]")));
        }
        if (!spec.has("clusterIPs") && was.has("clusterIPs")) {
            spec.set("clusterIPs", was.get("clusterIPs"));
        }
        for (JsonNode port : spec.path("ports")) {
            for (JsonNode old : was.path("ports")) {
                if (!port.has("nodePort") && old.has("nodePort") && old.path("port").equals(port.path("port"))) {
                    ((ObjectNode) port).set("nodePort", old.get("nodePort"));
                }
            }
        }
    }
}
