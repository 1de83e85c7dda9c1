package io.coxswain.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's view of the cluster: every node with the pods placed on it. A pod the scheduler has just
 * chosen a node for is assumed there at once, before its binding is written, so that the next pod already sees
 * the space taken; the informer's event confirms it, and a failed binding forgets it.
 */
public final class SchedulerCache {

    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    private final Map<String, Placement> placed = new HashMap<>();
    private List<NodeInfo> order = List.of();

    private record Placement(String node, PodInfo pod, boolean assumed) {
    }

    public synchronized void upsertNode(Node node) {
        NodeInfo info = nodes.get(node.getMetadata().getName());
        if (info == null) {
            NodeInfo fresh = new NodeInfo(node);
            // pods seen before their node: count them now
            placed.values().stream().filter(p -> p.node().equals(node.getMetadata().getName())).forEach(p -> fresh.add(p.pod()));
            nodes.put(node.getMetadata().getName(), fresh);
            order = List.copyOf(nodes.values());
        } else {
            info.setNode(node);
        }
    }

    public synchronized void removeNode(String name) {
        if (nodes.remove(name) != null) {
            order = List.copyOf(nodes.values());
        }
    }

    /** A pod from the informer: bound pods take their space; pods that finished or went give it back. */
    public synchronized void upsertPod(Pod pod) {
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        String node = pod.getSpec().getNodeName();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        boolean holds = node != null && !node.isEmpty() && !"Succeeded".equals(phase) && !"Failed".equals(phase);
        Placement before = placed.get(key);
        if (before != null && (!holds || !before.node().equals(node) || before.assumed())) {
            release(key);
            before = null;
        }
        if (holds && before == null) {
            place(key, node, PodInfo.of(pod), false);
        }
    }

    public synchronized void removePod(Pod pod) {
        release(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
    }

    public synchronized void assume(PodInfo pod, String node) {
        release(pod.key());
        place(pod.key(), node, pod, true);
    }

    /** A binding that failed: the pod's space is free again. */
    public synchronized void forget(PodInfo pod) {
        Placement p = placed.get(pod.key());
        if (p != null && p.assumed()) {
            release(pod.key());
        }
    }

    public synchronized boolean isAssumedOrBound(String key) {
        return placed.containsKey(key);
    }

    /** The nodes in a stable order; read them under {@link #lock()}. */
    public List<NodeInfo> nodes() {
        return order;
    }

    public synchronized int nodeCount() {
        return nodes.size();
    }

    /** The monitor that guards the node infos, held by the scheduling cycle while it reads them. */
    public Object lock() {
        return this;
    }

    public synchronized List<String> nodeNames() {
        return new ArrayList<>(nodes.keySet());
    }

    private void place(String key, String node, PodInfo pod, boolean assumed) {
        NodeInfo info = nodes.get(node);
        placed.put(key, new Placement(node, pod, assumed));
        if (info != null) {
            info.add(pod);
        }
    }

    private void release(String key) {
        Placement p = placed.remove(key);
        if (p != null) {
            NodeInfo info = nodes.get(p.node());
            if (info != null) {
                info.remove(p.pod());
            }
        }
    }
}
