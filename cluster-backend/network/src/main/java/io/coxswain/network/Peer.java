package io.coxswain.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Another node as the overlay sees it, from its Node: its pod CIDR, its underlay address and, for VXLAN, its VTEP MAC
 * (flannel's subnet lease attributes, here published as {@code coxswain.io/} annotations).
 */
record Peer(String name, String podCidr, String publicIp, String vtepMac) {

    static final String BACKEND_TYPE = "coxswain.io/backend-type";
    static final String BACKEND_DATA = "coxswain.io/backend-data";
    static final String PUBLIC_IP = "coxswain.io/public-ip";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** flannel's {@code vxlanLeaseAttrs} JSON, {@code {"VtepMAC":"..."}}. */
    static String backendData(String vtepMac) {
        return JSON.createObjectNode().put("VtepMAC", vtepMac).toString();
    }

    /**
     * The node as a peer in this mode, or why it is not one (no pod CIDR yet, another backend, annotations missing or
     * malformed): the reason is for the agent's log, since a node left out is a node no pod reaches.
     */
    static Result from(Node node, OverlayMode mode) {
        String name = node.getMetadata().getName();
        String podCidr = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
        if (podCidr == null || podCidr.isBlank()) {
            return Result.skip(name, "it has no spec.podCIDR yet");
        }
        String network;
        try {
            network = Ipv4.network(podCidr);
        } catch (IllegalArgumentException e) {
            return Result.skip(name, "its spec.podCIDR " + podCidr + " is not an IPv4 CIDR");
        }
        Map<String, String> annotations = node.getMetadata().getAnnotations() == null ? Map.of() : node.getMetadata().getAnnotations();
        String type = annotations.get(BACKEND_TYPE);
        if (type == null) {
            return Result.skip(name, "it has no " + BACKEND_TYPE + " annotation (no overlay agent has published it)");
        }
        if (!mode.backendType.equals(type)) {
            return Result.skip(name, "its backend is " + type + ", not " + mode.backendType);
        }
        String publicIp = annotations.get(PUBLIC_IP);
        if (!Ipv4.isAddress(publicIp)) {
            return Result.skip(name, "its " + PUBLIC_IP + " annotation '" + publicIp + "' is not an IPv4 address");
        }
        if (mode == OverlayMode.HOST_GW) {
            return Result.of(new Peer(name, network, publicIp, null));
        }
        String mac;
        try {
            JsonNode data = JSON.readTree(annotations.getOrDefault(BACKEND_DATA, ""));
            mac = data == null ? null : Ipv4.mac(data.path("VtepMAC").asText(null));
        } catch (java.io.IOException e) {
            mac = null;
        }
        if (mac == null) {
            return Result.skip(name, "its " + BACKEND_DATA + " annotation '" + annotations.get(BACKEND_DATA) + "' has no VtepMAC");
        }
        return Result.of(new Peer(name, network, publicIp, mac));
    }

    /**
     * What of a Node the overlay reads: its name, pod CIDR and the three annotations. An update that changes none of
     * these (a kubelet's status heartbeat) needs no sync.
     */
    static List<String> overlayFields(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations() == null ? Map.of() : node.getMetadata().getAnnotations();
        return Arrays.asList(node.getMetadata().getName(), node.getSpec() == null ? null : node.getSpec().getPodCIDR(),
                annotations.get(BACKEND_TYPE), annotations.get(PUBLIC_IP), annotations.get(BACKEND_DATA));
    }

    /** The first address of the pod CIDR: the peer's VTEP address, as flannel gives its vxlan device. */
    String vtepAddress() {
        return Ipv4.firstAddress(podCidr);
    }

    record Result(Optional<Peer> peer, String skipReason) {
        static Result of(Peer peer) {
            return new Result(Optional.of(peer), null);
        }

        static Result skip(String name, String reason) {
            return new Result(Optional.empty(), "node " + name + " is left out of the overlay: " + reason);
        }
    }
}
