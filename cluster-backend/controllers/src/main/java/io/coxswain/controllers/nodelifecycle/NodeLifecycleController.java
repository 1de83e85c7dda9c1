package io.coxswain.controllers.nodelifecycle;

import io.coxswain.controllers.ControllerOptions;
import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's node lifecycle controller with its taint-based eviction:
 * <ul>
 *   <li>a node whose Lease in kube-node-lease (or Ready heartbeat) has not changed for {@code nodeMonitorGrace}, as
 *   seen on this controller's clock, gets its conditions set to Unknown ("Kubelet stopped posting node status.");</li>
 *   <li>its taints follow the Ready condition: False gives {@code node.kubernetes.io/not-ready}, Unknown
 *   {@code node.kubernetes.io/unreachable}, as NoSchedule and NoExecute (with timeAdded); True removes them;</li>
 *   <li>pods on a node that is not Ready get their Ready condition set False (MarkPodsNotReady), so Endpoints drop
 *   them;</li>
 *   <li>pods on a node with NoExecute taints are deleted once they no longer tolerate them (see
 *   {@link Taints#evictionTime}).</li>
 * </ul>
 * It is keyed by node name; Lease and Pod events map to their node.
 */
public final class NodeLifecycleController {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);
    static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final String BY_NODE = "coxswain.io/spec.nodeName";
    private static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

    /** What was last observed of a node's heartbeats, and when (on our clock) one last changed. */
    private record Health(Object leaseRenew, String readyHeartbeat, Instant probed) {
    }

    private final KubernetesClient client;
    private final ControllerOptions options;
    private final Clock clock;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Lease> leases;
    private final SharedIndexInformer<Pod> pods;
    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private final Map<String, Instant> taintsFirstSeen = new ConcurrentHashMap<>();
    private final Controller controller;

    NodeLifecycleController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options, Clock clock) {
        this.client = client;
        this.options = options;
        this.clock = clock;
        this.nodes = Informers.shared(informers, Node.class);
        this.leases = Informers.shared(informers, Lease.class);
        this.pods = Informers.shared(informers, Pod.class);
        synchronized (pods) {
            if (!pods.getIndexer().getIndexers().containsKey(BY_NODE)) {
                pods.addIndexers(Map.of(BY_NODE, p -> p.getSpec() == null || p.getSpec().getNodeName() == null
                        ? List.of() : List.of(p.getSpec().getNodeName())));
            }
        }
        this.controller = new Controller("node-lifecycle", options.workers(), this::sync)
                .watch(nodes, n -> List.of(n.getMetadata().getName()))
                .watch(leases, l -> LEASE_NAMESPACE.equals(l.getMetadata().getNamespace()) ? List.of(l.getMetadata().getName()) : List.of())
                .watch(pods, p -> p.getSpec() == null || p.getSpec().getNodeName() == null || p.getSpec().getNodeName().isEmpty()
                        ? List.of() : List.of(p.getSpec().getNodeName()));
    }

    /** Registers the informers it needs on the shared factory and returns the (not yet started) controller. */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new NodeLifecycleController(client, informers, options, Clock.systemUTC()).controller;
    }

    private Duration sync(String name) {
        Node node = nodes.getIndexer().getByKey(name);
        if (node == null) {
            health.remove(name);
            taintsFirstSeen.keySet().removeIf(k -> k.startsWith(name + "|"));
            return null;
        }
        Instant now = clock.instant();
        Lease lease = leases.getIndexer().getByKey(LEASE_NAMESPACE + "/" + name);
        Instant probed = observe(name, lease, readyCondition(node), now);
        Instant staleAt = probed.plus(options.nodeMonitorGrace());

        if (!now.isBefore(staleAt)) {
            Node unknown = withConditionsUnknown(node, now);
            if (unknown != null) {
                LOG.info("node {}: no heartbeat for {}; conditions set to Unknown", name, options.nodeMonitorGrace());
                node = client.nodes().resource(unknown).updateStatus();
            }
        }
        NodeCondition ready = readyCondition(node);
        String readyStatus = ready == null ? null : ready.getStatus();
        List<Taint> taints = Taints.forReady(node.getSpec().getTaints(), readyStatus, now);
        if (!taints.equals(node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints())) {
            Node tainted = new NodeBuilder(node).editSpec().withTaints(taints).endSpec().build();
            node = client.nodes().resource(tainted).update();
        }

        List<Pod> onNode = pods.getIndexer().byIndex(BY_NODE, name);
        if (readyStatus != null && !"True".equals(readyStatus)) {
            onNode.forEach(pod -> markNotReady(pod, now));
        }
        Duration next = now.isBefore(staleAt) ? Duration.between(now, staleAt) : null;
        List<Taint> noExecute = node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints().stream().filter(t -> Taints.NO_EXECUTE.equals(t.getEffect())).toList();
        if (!noExecute.isEmpty()) {
            for (Pod pod : onNode) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                Instant at = Taints.evictionTime(noExecute, pod.getSpec().getTolerations(), options.podEvictionTimeout(),
                        t -> added(name, t, now));
                if (at == null) {
                    continue;
                }
                if (now.isBefore(at)) {
                    Duration wait = Duration.between(now, at);
                    next = next == null || wait.compareTo(next) < 0 ? wait : next;
                } else {
                    evict(pod, now);
                }
            }
        }
        return next == null ? null : next.plusMillis(50);
    }

    /** kube's probeTimestamp: our clock's time of the last observed change of the Lease or the Ready heartbeat. */
    private Instant observe(String name, Lease lease, NodeCondition ready, Instant now) {
        Object renew = lease == null || lease.getSpec() == null ? null : lease.getSpec().getRenewTime();
        String heartbeat = ready == null ? null : ready.getLastHeartbeatTime();
        Health next = health.compute(name, (n, saved) -> saved != null && Objects.equals(saved.leaseRenew(), renew)
                && Objects.equals(saved.readyHeartbeat(), heartbeat) ? saved : new Health(renew, heartbeat, now));
        return next.probed();
    }

    private Instant added(String node, Taint taint, Instant now) {
        if (taint.getTimeAdded() != null && !taint.getTimeAdded().isEmpty()) {
            try {
                return Instant.parse(taint.getTimeAdded());
            } catch (java.time.format.DateTimeParseException e) {
                // fall through to when it was first seen
            }
        }
        return taintsFirstSeen.computeIfAbsent(node + "|" + taint.getKey() + "|" + taint.getEffect(), k -> now);
    }

    static NodeCondition readyCondition(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }

    /**
     * {@code tryUpdateNodeHealth} past the grace period: every kubelet condition becomes Unknown (keeping its
     * heartbeat); a missing one is added as never updated. Null when they all are Unknown already.
     */
    static Node withConditionsUnknown(Node node, Instant now) {
        String at = now.truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conditions = new ArrayList<>(node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of() : node.getStatus().getConditions());
        boolean changed = false;
        for (String type : CONDITIONS) {
            int i = indexOf(conditions, type);
            if (i < 0) {
                conditions.add(new NodeConditionBuilder().withType(type).withStatus("Unknown").withReason("NodeStatusNeverUpdated")
                        .withMessage("Kubelet never posted node status.")
                        .withLastHeartbeatTime(node.getMetadata().getCreationTimestamp()).withLastTransitionTime(at).build());
                changed = true;
            } else if (!"Unknown".equals(conditions.get(i).getStatus())) {
                conditions.set(i, new NodeConditionBuilder(conditions.get(i)).withStatus("Unknown").withReason("NodeStatusUnknown")
                        .withMessage("Kubelet stopped posting node status.").withLastTransitionTime(at).build());
                changed = true;
            }
        }
        return changed ? new NodeBuilder(node).editOrNewStatus().withConditions(conditions).endStatus().build() : null;
    }

    private static int indexOf(List<NodeCondition> conditions, String type) {
        for (int i = 0; i < conditions.size(); i++) {
            if (type.equals(conditions.get(i).getType())) {
                return i;
            }
        }
        return -1;
    }

    /** {@code MarkPodsNotReady}: a Ready=True condition becomes False, so that Endpoints stop sending traffic. */
    private void markNotReady(Pod pod, Instant now) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return;
        }
        List<PodCondition> conditions = new ArrayList<>(pod.getStatus().getConditions());
        boolean changed = false;
        for (int i = 0; i < conditions.size(); i++) {
            PodCondition c = conditions.get(i);
            if ("Ready".equals(c.getType()) && !"False".equals(c.getStatus())) {
                conditions.set(i, new PodConditionBuilder(c).withStatus("False")
                        .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString()).build());
                changed = true;
            }
        }
        if (changed) {
            LOG.info("pod {}/{}: node {} is not ready; pod marked not ready", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), pod.getSpec().getNodeName());
            client.pods().inNamespace(pod.getMetadata().getNamespace())
                    .resource(new PodBuilder(pod).editStatus().withConditions(conditions).endStatus().build()).updateStatus();
        }
    }

    /**
     * The taint eviction controller's {@code addConditionAndDeletePod}: a DisruptionTarget condition, then a delete
     * (not the eviction subresource: NoExecute taints are not subject to disruption budgets).
     */
    private void evict(Pod pod, Instant now) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        LOG.info("pod {}/{}: evicted from node {} (NoExecute taint no longer tolerated)", ns, name, pod.getSpec().getNodeName());
        List<PodCondition> conditions = new ArrayList<>(pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? List.of() : pod.getStatus().getConditions());
        conditions.removeIf(c -> "DisruptionTarget".equals(c.getType()));
        conditions.add(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True").withReason("DeletionByTaintManager")
                .withMessage("Taint manager: deleting due to NoExecute taint")
                .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString()).build());
        try {
            client.pods().inNamespace(ns).resource(new PodBuilder(pod).editOrNewStatus().withConditions(conditions).endStatus().build())
                    .updateStatus();
        } catch (KubernetesClientException e) {
            LOG.debug("pod {}/{}: could not add the DisruptionTarget condition: {}", ns, name, e.getMessage());
        }
        client.pods().inNamespace(ns).withName(name).delete();
    }
}
