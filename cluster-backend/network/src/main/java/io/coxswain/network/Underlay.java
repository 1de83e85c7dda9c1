package io.coxswain.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The interface between the nodes (flannel's external interface): its name, its IPv4 address (the node's public IP,
 * the VXLAN device's local address) and its MTU.
 */
record Underlay(String iface, String address, int mtu) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** flannel's VXLAN header overhead: the VXLAN device's MTU is the underlay's less this. */
    static final int VXLAN_OVERHEAD = 50;

    /**
     * @param nameOrAddress an interface name ({@code eth0}) or one of the host's IPv4 addresses
     * @throws IllegalArgumentException when no interface has that name or address, or it has no IPv4 address
     */
    static Underlay find(HostCommands host, String nameOrAddress) {
        return parse(host.check("ip", "-j", "-4", "addr", "show"), nameOrAddress);
    }

    static Underlay parse(String ipAddrJson, String nameOrAddress) {
        JsonNode links;
        try {
            links = JSON.readTree(ipAddrJson);
        } catch (IOException e) {
            throw new HostCommandException("ip -j -4 addr show printed JSON that does not parse: " + e.getMessage(), e);
        }
        StringBuilder seen = new StringBuilder();
        for (JsonNode link : links) {
            String name = link.path("ifname").asText();
            for (JsonNode addr : link.path("addr_info")) {
                String local = addr.path("local").asText();
                seen.append(seen.isEmpty() ? "" : ", ").append(name).append(' ').append(local);
                if (name.equals(nameOrAddress) || local.equals(nameOrAddress)) {
                    return new Underlay(name, local, link.path("mtu").asInt(1500));
                }
            }
        }
        throw new IllegalArgumentException("no interface with an IPv4 address is named or has the address '" + nameOrAddress
                + "' (the host has: " + (seen.isEmpty() ? "none" : seen) + ")");
    }

    int vxlanMtu() {
        return mtu - VXLAN_OVERHEAD;
    }
}
