package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Nodes.objectOrNull;
import static io.coxswain.apiserver.admission.Nodes.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.Quantity;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The QoS class of a pod, as {@code pkg/apis/core/helper/qos.GetPodQOS} computes it (cpu and memory only). */
final class PodQos {

    private static final Set<String> COMPUTE = Set.of("cpu", "memory");

    private PodQos() {
    }

    static String of(ObjectNode spec) {
        Map<String, BigDecimal> requests = new HashMap<>();
        Map<String, BigDecimal> limits = new HashMap<>();
        boolean guaranteed = true;
        for (String list : List.of("containers", "initContainers")) {
            for (ObjectNode container : objects(spec, list)) {
                ObjectNode resources = objectOrNull(container, "resources");
                sum(objectOrNull(resources, "requests"), requests);
                if (!sum(objectOrNull(resources, "limits"), limits).containsAll(COMPUTE)) {
                    guaranteed = false;
                }
            }
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return "BestEffort";
        }
        for (Map.Entry<String, BigDecimal> request : requests.entrySet()) {
            BigDecimal limit = limits.get(request.getKey());
            guaranteed &= limit != null && limit.compareTo(request.getValue()) == 0;
        }
        return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
    }

    /** Adds the positive cpu and memory quantities of {@code list} to {@code totals}; returns the names found. */
    private static Set<String> sum(ObjectNode list, Map<String, BigDecimal> totals) {
        Set<String> found = new HashSet<>();
        if (list == null) {
            return found;
        }
        list.properties().forEach(e -> {
            if (COMPUTE.contains(e.getKey())) {
                Quantity.of(e.getValue()).filter(q -> q.value().signum() > 0).ifPresent(q -> {
                    found.add(e.getKey());
                    totals.merge(e.getKey(), q.value(), BigDecimal::add);
                });
            }
        });
        return found;
    }
}
