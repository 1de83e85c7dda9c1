package io.coxswain.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;

import java.math.RoundingMode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A node and what is placed on it (assumed pods included), kept up to date by events, read by the plugins. */
public final class NodeInfo {

    private Node node;
    private long allocatableCpu;
    private long allocatableMemory;
    private long allocatablePods;
    private boolean ready;
    private List<Taint> taints = List.of();
    long requestedCpu;
    long requestedMemory;
    int pods;
    final Set<PodInfo.HostPort> usedPorts = new HashSet<>();
    final Map<String, Integer> podsByOwner = new HashMap<>();

    NodeInfo(Node node) {
        setNode(node);
    }

    void setNode(Node node) {
        this.node = node;
        Map<String, Quantity> alloc = node.getStatus() == null || node.getStatus().getAllocatable() == null ? Map.of()
                : node.getStatus().getAllocatable();
        allocatableCpu = alloc.containsKey("cpu") ? Quantity.getAmountInBytes(alloc.get("cpu")).movePointRight(3)
                .setScale(0, RoundingMode.FLOOR).longValue() : 0;
        allocatableMemory = alloc.containsKey("memory") ? Quantity.getAmountInBytes(alloc.get("memory")).longValue() : 0;
        allocatablePods = alloc.containsKey("pods") ? Quantity.getAmountInBytes(alloc.get("pods")).longValue() : 110;
        ready = node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : List.copyOf(node.getSpec().getTaints());
    }

    void add(PodInfo pod) {
        requestedCpu += pod.cpuMillis();
        requestedMemory += pod.memoryBytes();
        pods++;
        usedPorts.addAll(pod.hostPorts());
        if (pod.ownerUid() != null) {
            podsByOwner.merge(pod.ownerUid(), 1, Integer::sum);
        }
    }

    void remove(PodInfo pod) {
        requestedCpu -= pod.cpuMillis();
        requestedMemory -= pod.memoryBytes();
        pods--;
        pod.hostPorts().forEach(usedPorts::remove);
        if (pod.ownerUid() != null) {
            podsByOwner.computeIfPresent(pod.ownerUid(), (k, v) -> v <= 1 ? null : v - 1);
        }
    }

    public Node node() {
        return node;
    }

    public String name() {
        return node.getMetadata().getName();
    }

    public Map<String, String> labels() {
        return node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    }

    public boolean ready() {
        return ready;
    }

    public boolean unschedulable() {
        return node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    }

    public List<Taint> taints() {
        return taints;
    }

    public long allocatableCpu() {
        return allocatableCpu;
    }

    public long allocatableMemory() {
        return allocatableMemory;
    }

    public long allocatablePods() {
        return allocatablePods;
    }

    public long requestedCpu() {
        return requestedCpu;
    }

    public long requestedMemory() {
        return requestedMemory;
    }

    public int pods() {
        return pods;
    }

    public boolean portInUse(PodInfo.HostPort port) {
        for (PodInfo.HostPort used : usedPorts) {
            if (used.port() == port.port() && used.protocol().equals(port.protocol())
                    && (used.ip().equals(port.ip()) || used.ip().equals("0.0.0.0") || port.ip().equals("0.0.0.0"))) {
                return true;
            }
        }
        return false;
    }

    public int podsOfOwner(String ownerUid) {
        return ownerUid == null ? 0 : podsByOwner.getOrDefault(ownerUid, 0);
    }
}
