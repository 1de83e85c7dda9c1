package io.coxswain.kubelet.cni;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The node's network configuration list, made from its pod CIDR as kubenet made it: a Linux bridge that is the pods'
 * gateway, host-local handing out the CIDR's addresses, portmap for hostPorts. Loopback is a network of its own, run
 * first on {@code lo}, as containerd runs it.
 */
public final class PodNetworkConfig {

    public static final String NETWORK = "coxswain";
    public static final String CNI_VERSION = "1.0.0";

    private PodNetworkConfig() {
    }

    public static JsonObject conflist(String podCidr, CniOptions options) {
        JsonObject bridge = new JsonObject().put("type", "bridge").put("bridge", bridgeName(podCidr))
                .put("isGateway", true).put("ipMasq", options.masquerade()).put("hairpinMode", true)
                .put("ipam", new JsonObject().put("type", "host-local")
                        .put("ranges", new JsonArray().add(new JsonArray().add(new JsonObject().put("subnet", podCidr))))
                        .put("routes", new JsonArray().add(new JsonObject().put("dst", "0.0.0.0/0")))
                        .put("dataDir", options.stateDir().resolve("networks").toString()));
        if (options.mtu() > 0) {
            bridge.put("mtu", options.mtu());
        }
        // snat: a hostPort reached from the node itself (127.0.0.1 among others) answers too
        JsonObject portmap = new JsonObject().put("type", "portmap").put("snat", true)
                .put("capabilities", new JsonObject().put("portMappings", true));
        return new JsonObject().put("cniVersion", CNI_VERSION).put("name", NETWORK)
                .put("plugins", new JsonArray().add(bridge).add(portmap));
    }

    public static JsonObject loopback() {
        return new JsonObject().put("cniVersion", CNI_VERSION).put("name", "cni-loopback")
                .put("plugins", new JsonArray().add(new JsonObject().put("type", "loopback")));
    }

    /**
     * One bridge per pod CIDR, named after it ({@code cx-0af40100} for 10.244.1.0/24): kubelets of one machine that share
     * a CIDR share its bridge and gateway, and two with different CIDRs never fight over one bridge's address.
     */
    public static String bridgeName(String podCidr) {
        if (podCidr == null || !podCidr.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + podCidr);
        }
        String[] parts = podCidr.split("/");
        try {
            byte[] a = InetAddress.getByName(parts[0]).getAddress();
            return String.format("cx-%02x%02x%02x%02x", a[0], a[1], a[2], a[3]);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a CIDR: " + podCidr, e);
        }
    }
}
