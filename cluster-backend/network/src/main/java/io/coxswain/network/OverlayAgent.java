package io.coxswain.network;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.client.MergePatch;
import io.coxswain.client.RateLimiter;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The overlay agent of one node, after flannel's VXLAN backend (and host-gw). It publishes its VTEP MAC and underlay
 * address on its own Node, and keeps, for every other node with a pod CIDR and those annotations, a route, a neighbour
 * and an FDB entry (host-gw: a route through the underlay). Level-triggered: every Node event that changes what the
 * overlay reads (not a status heartbeat), and a periodic resync, queue one key whose sync compares all the entries the Nodes ask for with the kernel's and changes only the
 * difference; a restart therefore finds everything in place and changes nothing. The work runs on the client
 * machinery's worker thread, never on an event loop. Stopping leaves the entries, as flanneld does, so that pod
 * traffic keeps flowing while the agent restarts.
 */
public final class OverlayAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OverlayAgent.class);
    private static final String KEY = "overlay";

    /**
     * What an agent needs; {@code underlay} is an interface name or one of the host's addresses; {@code clusterCidr}, the
     * pods' range across the cluster, turns on the masquerade of pods' traffic that leaves it (null: none, as flannel
     * without {@code --ip-masq}).
     */
    public record Options(String nodeName, String underlay, OverlayMode mode, Duration resync, HostCommands host,
                          String clusterCidr) {
        public Options {
            Objects.requireNonNull(nodeName, "nodeName");
            Objects.requireNonNull(underlay, "underlay");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(resync, "resync");
            Objects.requireNonNull(host, "host");
            if (nodeName.isBlank() || underlay.isBlank()) {
                throw new IllegalArgumentException("the overlay agent needs a node name and an underlay interface or address");
            }
        }

        /** On this host, resyncing every 30 s. */
        public static Options of(String nodeName, String underlay, OverlayMode mode) {
            return new Options(nodeName, underlay, mode, Duration.ofSeconds(30), HostCommands.local(), null);
        }

        public Options withHost(HostCommands host) {
            return new Options(nodeName, underlay, mode, resync, host, clusterCidr);
        }

        public Options withResync(Duration resync) {
            return new Options(nodeName, underlay, mode, resync, host, clusterCidr);
        }

        public Options withMasquerade(String clusterCidr) {
            return new Options(nodeName, underlay, mode, resync, host, clusterCidr);
        }
    }

    /**
     * The MTU that pods on this node should have, as flannel's subnet.env gives the CNI plugin: the underlay's, less
     * the VXLAN header in vxlan mode.
     */
    public static int podMtu(Options options) {
        Underlay underlay = Underlay.find(options.host(), options.underlay());
        return options.mode() == OverlayMode.VXLAN ? underlay.vxlanMtu() : underlay.mtu();
    }

    private final Options options;
    private final KubernetesClient client;
    private final VxlanDevice device;
    private final KernelEntries kernel;
    private final Masquerade masquerade;
    private final Set<String> skipsLogged = new HashSet<>();
    private SharedInformerFactory factory;
    private SharedIndexInformer<Node> nodes;
    private Controller controller;
    private Underlay underlay;
    private volatile boolean firstSyncDone;

    public OverlayAgent(Options options, KubernetesClient client) {
        this.options = options;
        this.client = client;
        this.device = new VxlanDevice(options.host(), VxlanDevice.NAME);
        this.kernel = new KernelEntries(options.host(), VxlanDevice.NAME);
        this.masquerade = new Masquerade(options.host());
    }

    /**
     * Finds the underlay interface (a wrong name or address fails here, with the host's addresses in the message),
     * starts the Node informer and the worker; returns once the informer has listed the Nodes.
     */
    public synchronized void start() {
        if (controller != null) {
            throw new IllegalStateException("the overlay agent of " + options.nodeName() + " is already running");
        }
        underlay = Underlay.find(options.host(), options.underlay());
        LOG.info("overlay: node {} in {} mode over {} ({}, MTU {})", options.nodeName(), options.mode().backendType,
                underlay.iface(), underlay.address(), underlay.mtu());
        factory = client.informers();
        nodes = Informers.shared(factory, Node.class);
        // The handlers hold this controller, not the field, which stop() clears while an event may still arrive.
        Controller queue = new Controller("overlay", 1, key -> sync(), RateLimiter.controllerDefault());
        controller = queue;
        controller.watch(nodes, new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queue.enqueue(KEY);
            }

            @Override
            public void onUpdate(Node before, Node after) {
                if (!Peer.overlayFields(before).equals(Peer.overlayFields(after))) {
                    queue.enqueue(KEY);
                }
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                queue.enqueue(KEY);
            }
        });
        controller.start();
        controller.enqueue(KEY);
    }

    /** Stops watching; the kernel entries stay. */
    public synchronized void stop() {
        if (controller != null) {
            controller.close();
            factory.stopAllRegisteredInformers();
            controller = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** One pass: own device and annotations, then every peer's entries; returns when to look again. */
    private Duration sync() {
        Node self = Informers.get(nodes, options.nodeName());
        if (self == null || self.getSpec() == null || self.getSpec().getPodCIDR() == null || self.getSpec().getPodCIDR().isBlank()) {
            // The kubelet registers the Node and the node IPAM gives it a pod CIDR; until then there is no VTEP address.
            logOnce(options.nodeName() + ":self", "overlay: node " + options.nodeName()
                    + (self == null ? " does not exist yet" : " has no spec.podCIDR yet") + "; waiting");
            return Duration.ofSeconds(2);
        }
        String mac = null;
        if (options.mode() == OverlayMode.VXLAN) {
            mac = device.ensure(underlay, self.getSpec().getPodCIDR());
        }
        publish(self, mac);
        boolean masqChanged = options.clusterCidr() != null && masquerade.ensure(options.clusterCidr(), self.getSpec().getPodCIDR());
        if (masqChanged) {
            LOG.info("overlay: pods' traffic leaving {} is masqueraded (nat {})", options.clusterCidr(), Masquerade.CHAIN);
        }
        List<Peer> peers = new ArrayList<>();
        Set<String> skipped = new HashSet<>();
        for (Node node : nodes.getStore().list()) {
            if (node.getMetadata().getName().equals(options.nodeName())) {
                continue;
            }
            Peer.Result result = Peer.from(node, options.mode());
            result.peer().ifPresent(peers::add);
            if (result.skipReason() != null) {
                skipped.add(result.skipReason());
            }
        }
        synchronized (skipsLogged) {
            skipsLogged.removeIf(s -> !s.endsWith(":self") && !skipped.contains(s));
        }
        skipped.forEach(reason -> logOnce(reason, reason));
        OverlayEntries desired = OverlayEntries.desired(options.mode(), peers, device.name(), underlay.iface());
        OverlayEntries actual = kernel.read(device.exists());
        OverlayEntries.Changes changes = desired.diff(actual);
        if (!changes.isEmpty()) {
            LOG.info("overlay: {} peer(s); removing {}; adding {}", peers.size(), changes.remove(), changes.add());
            kernel.apply(changes);
        }
        if (!firstSyncDone) {
            // After a restart this says whether anything had to change (nothing, when the entries survived).
            firstSyncDone = true;
            LOG.info("overlay: first sync done: {} peer(s), {} change(s)", peers.size(), changes.isEmpty() && !masqChanged ? "no" : "some");
        }
        return options.resync();
    }

    /** The annotations flannel keeps on its subnet lease, on our own Node; patched only when they differ. */
    private void publish(Node self, String vtepMac) {
        Map<String, String> want = new LinkedHashMap<>();
        want.put(Peer.BACKEND_TYPE, options.mode().backendType);
        want.put(Peer.PUBLIC_IP, underlay.address());
        want.put(Peer.BACKEND_DATA, vtepMac == null ? null : Peer.backendData(vtepMac));
        Map<String, String> have = self.getMetadata().getAnnotations() == null ? Map.of() : self.getMetadata().getAnnotations();
        Map<String, String> patch = new HashMap<>();
        want.forEach((k, v) -> {
            if (!Objects.equals(have.get(k), v)) {
                patch.put(k, v);
            }
        });
        if (!patch.isEmpty()) {
            // A JSON merge patch: a null value removes the annotation (host-gw has no backend data).
            MergePatch.send(client, "/api/v1/nodes/" + options.nodeName(), Map.of("metadata", Map.of("annotations", patch)));
            LOG.info("overlay: published {} on node {}", patch, options.nodeName());
        }
    }

    private void logOnce(String key, String message) {
        synchronized (skipsLogged) {
            if (skipsLogged.add(key)) {
                LOG.warn(message);
            }
        }
    }
}
