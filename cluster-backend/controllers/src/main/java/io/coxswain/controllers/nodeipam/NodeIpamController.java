package io.coxswain.controllers.nodeipam;

import io.coxswain.client.Controller;
import io.coxswain.client.EventRecorder;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-controller-manager's node IPAM with its range allocator ({@code pkg/controller/nodeipam/ipam/range_allocator.go}):
 * every node gets a {@code spec.podCIDR} (and {@code spec.podCIDRs}) of its own from {@code --cluster-cidr}, a block
 * of {@code --node-cidr-mask-size}; the blocks nodes already have are taken first, and a deleted node's block returns
 * to the set. A node whose block is set is never given another: the field is the node's for its lifetime. When the
 * cluster CIDR is full, the node gets a CIDRNotAvailable event and is tried again later. Keyed by node name.
 */
public final class NodeIpamController {

    private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);
    private static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final SharedIndexInformer<Node> nodes;
    private final EventRecorder events;
    /** The set and the block given to each node; guarded by {@code this}. */
    private final CidrSet cidrs;
    private final Map<String, String> owned = new HashMap<>();
    private boolean primed;
    private final Controller controller;

    NodeIpamController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        this.client = client;
        this.cidrs = new CidrSet(options.clusterCidr(), options.nodeCidrMaskSize());
        this.nodes = Informers.shared(informers, Node.class);
        this.events = new EventRecorder(client, "cidrAllocator", null);
        this.controller = new Controller("node-ipam", 1, this::sync).watch(nodes, n -> List.of(n.getMetadata().getName()))
                .owning(events);
    }

    /** The controller, or none when {@code --allocate-node-cidrs=false} left the cluster CIDR out. */
    public static List<Controller> create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        if (options.clusterCidr() == null) {
            return List.of();
        }
        return List.of(new NodeIpamController(client, informers, options).controller);
    }

    /** Refuses, with the flag's name, a cluster CIDR and mask size that can't be cut into node blocks. */
    public static void check(String clusterCidr, int nodeMaskSize) {
        new CidrSet(clusterCidr, nodeMaskSize);
    }

    private Duration sync(String name) {
        Node node = nodes.getIndexer().getByKey(name);
        String cidr;
        synchronized (this) {
            prime();
            if (node == null) {
                String released = owned.remove(name);
                if (released != null) {
                    cidrs.release(released);
                    LOG.info("node {} deleted: {} is free again", name, released);
                    // nodes that found the set full take it now, not at their next retry
                    nodes.getIndexer().list().stream().filter(n -> podCidr(n) == null)
                            .forEach(n -> controller.enqueue(n.getMetadata().getName()));
                }
                return null;
            }
            String has = podCidr(node);
            if (has != null) {
                if (!has.equals(owned.get(name))) {
                    take(name, has);
                }
                return null;
            }
            cidr = cidrs.allocate();
            if (cidr == null) {
                LOG.warn("node {}: no free block of the cluster CIDR is left for it", name);
                events.warning(node, null, "CIDRNotAvailable", "Node " + name + " status is now: CIDRNotAvailable");
                return RETRY_WHEN_FULL;
            }
            owned.put(name, cidr);
        }
        try {
            // an update, not a patch: it fails on a node changed meanwhile, whose podCIDR may now be set
            client.nodes().resource(new NodeBuilder(node).editOrNewSpec().withPodCIDR(cidr).withPodCIDRs(cidr).endSpec().build()).update();
            LOG.info("node {}: podCIDR {}", name, cidr);
            events.normal(node, null, "CIDRAssignmentSucceeded", "Node " + name + " was given pod CIDR " + cidr);
            return null;
        } catch (KubernetesClientException e) {
            synchronized (this) {
                if (cidr.equals(owned.get(name))) {
                    owned.remove(name);
                    cidrs.release(cidr);
                }
            }
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Once, before the first block is given: every block that a node in the cache already has is taken. */
    private void prime() {
        if (primed) {
            return;
        }
        for (Node n : nodes.getIndexer().list()) {
            String has = podCidr(n);
            if (has != null) {
                take(n.getMetadata().getName(), has);
            }
        }
        primed = true;
    }

    private void take(String name, String cidr) {
        String before = owned.put(name, cidr);
        if (before != null && !before.equals(cidr)) {
            cidrs.release(before);
        }
        if (!cidrs.occupy(cidr)) {
            LOG.warn("node {} has podCIDR {}, which is not a block of the cluster CIDR; it is left as it is", name, cidr);
        }
    }

    private static String podCidr(Node node) {
        if (node.getSpec() == null) {
            return null;
        }
        String cidr = node.getSpec().getPodCIDR();
        if ((cidr == null || cidr.isEmpty()) && node.getSpec().getPodCIDRs() != null && !node.getSpec().getPodCIDRs().isEmpty()) {
            cidr = node.getSpec().getPodCIDRs().get(0);
        }
        return cidr == null || cidr.isEmpty() ? null : cidr;
    }
}
