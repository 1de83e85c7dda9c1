package io.coxswain.scheduler.cache;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler needs of a pod, computed once: its requests as Kubernetes counts them (the sum of the app
 * containers, or the largest init container if larger), its host ports and its controlling owner.
 */
public record PodInfo(Pod pod, String key, long cpuMillis, long memoryBytes, List<HostPort> hostPorts, String ownerUid) {

    public record HostPort(String ip, String protocol, int port) {
    }

    public static PodInfo of(Pod pod) {
        long cpu = 0;
        long mem = 0;
        List<HostPort> ports = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            cpu += request(c, "cpu", true);
            mem += request(c, "memory", false);
            if (c.getPorts() != null) {
                for (ContainerPort p : c.getPorts()) {
                    if (p.getHostPort() != null && p.getHostPort() > 0) {
                        ports.add(new HostPort(p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP(),
                                p.getProtocol() == null ? "TCP" : p.getProtocol(), p.getHostPort()));
                    }
                }
            }
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                cpu = Math.max(cpu, request(c, "cpu", true));
                mem = Math.max(mem, request(c, "memory", false));
            }
        }
        String owner = null;
        if (pod.getMetadata().getOwnerReferences() != null) {
            for (OwnerReference ref : pod.getMetadata().getOwnerReferences()) {
                if (Boolean.TRUE.equals(ref.getController())) {
                    owner = ref.getUid();
                }
            }
        }
        return new PodInfo(pod, pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), cpu, mem, List.copyOf(ports), owner);
    }

    private static long request(Container c, String resource, boolean milli) {
        if (c.getResources() == null) {
            return 0;
        }
        Map<String, Quantity> requests = c.getResources().getRequests();
        Quantity q = requests == null ? null : requests.get(resource);
        if (q == null && c.getResources().getLimits() != null) {
            // a limit without a request is also the request, as the apiserver defaults it
            q = c.getResources().getLimits().get(resource);
        }
        if (q == null) {
            return 0;
        }
        var amount = Quantity.getAmountInBytes(q);
        return milli ? amount.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact()
                : amount.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }
}
