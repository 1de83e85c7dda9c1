package io.coxswain.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The overlay's entries in the kernel, read with {@code ip -j} and {@code bridge -j} and changed with
 * {@code ip route/neigh replace|del} and {@code bridge fdb replace|del}. The agent's routes carry a protocol number of
 * their own ({@link #ROUTE_PROTOCOL}), so that a resync finds and removes exactly the stale routes it made, in either
 * mode; neighbour and FDB entries on the VXLAN device are all its own (the device does not learn).
 */
final class KernelEntries {

    private static final Logger LOG = LoggerFactory.getLogger(KernelEntries.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The routing protocol number that marks the agent's routes (unassigned in /etc/iproute2/rt_protos). */
    static final String ROUTE_PROTOCOL = "77";

    private final HostCommands host;
    private final String vxlanDevice;

    KernelEntries(HostCommands host, String vxlanDevice) {
        this.host = host;
        this.vxlanDevice = vxlanDevice;
    }

    /** What the kernel has now: the agent's routes, and the VXLAN device's permanent neighbours and FDB entries if it exists. */
    OverlayEntries read(boolean deviceExists) {
        Set<OverlayEntries.Route> routes = parseRoutes(host.check("ip", "-j", "-4", "route", "show", "proto", ROUTE_PROTOCOL));
        if (!deviceExists) {
            return new OverlayEntries(routes, Set.of(), Set.of());
        }
        return new OverlayEntries(routes,
                parseNeighbours(host.check("ip", "-j", "-4", "neigh", "show", "dev", vxlanDevice, "nud", "permanent")),
                parseFdbs(host.check("bridge", "-j", "fdb", "show", "dev", vxlanDevice)));
    }

    /**
     * Removes the stale entries, then adds the missing ones in flannel's order (neighbour, FDB, route last: the kernel
     * would ARP for the gateway if the route came before its neighbour). Removals go first so that a route or a
     * neighbour that changed is not removed after its replacement. Every command runs; the first failure is thrown.
     */
    void apply(OverlayEntries.Changes changes) {
        List<HostCommandException> failures = new ArrayList<>();
        for (OverlayEntries.Route r : changes.remove().routes()) {
            remove(failures, "ip", "route", "del", r.dst(), "via", r.via(), "dev", r.dev(), "proto", ROUTE_PROTOCOL);
        }
        for (OverlayEntries.Neighbour n : changes.remove().neighbours()) {
            remove(failures, "ip", "neigh", "del", n.ip(), "dev", vxlanDevice);
        }
        for (OverlayEntries.Fdb f : changes.remove().fdbs()) {
            remove(failures, "bridge", "fdb", "del", f.mac(), "dev", vxlanDevice, "dst", f.dst(), "self");
        }
        for (OverlayEntries.Neighbour n : changes.add().neighbours()) {
            add(failures, "ip", "neigh", "replace", n.ip(), "lladdr", n.mac(), "dev", vxlanDevice, "nud", "permanent");
        }
        for (OverlayEntries.Fdb f : changes.add().fdbs()) {
            add(failures, "bridge", "fdb", "replace", f.mac(), "dev", vxlanDevice, "dst", f.dst(), "self", "permanent");
        }
        for (OverlayEntries.Route r : changes.add().routes()) {
            List<String> command = new ArrayList<>(List.of("ip", "route", "replace", r.dst(), "via", r.via(), "dev", r.dev()));
            if (r.onlink()) {
                command.add("onlink");
            }
            command.addAll(List.of("proto", ROUTE_PROTOCOL));
            add(failures, command.toArray(String[]::new));
        }
        if (!failures.isEmpty()) {
            HostCommandException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void add(List<HostCommandException> failures, String... command) {
        try {
            host.check(command);
            LOG.info("overlay: {}", String.join(" ", command));
        } catch (HostCommandException e) {
            failures.add(e);
        }
    }

    private void remove(List<HostCommandException> failures, String... command) {
        try {
            HostCommands.Result r = host.run(command);
            // Gone already (the device went, or someone removed it) is what a removal wants.
            if (!r.ok() && !r.stderr().contains("No such") && !r.stderr().contains("Cannot find device")) {
                r.orThrow();
            }
            LOG.info("overlay: {}", String.join(" ", command));
        } catch (HostCommandException e) {
            failures.add(e);
        }
    }

    static Set<OverlayEntries.Route> parseRoutes(String json) {
        Set<OverlayEntries.Route> routes = new HashSet<>();
        for (JsonNode r : array(json)) {
            String dst = r.path("dst").asText("");
            // "ip -j route" prints a host route without its /32
            String cidr = dst.contains("/") ? dst : dst + "/32";
            boolean onlink = false;
            for (JsonNode flag : r.path("flags")) {
                onlink |= "onlink".equals(flag.asText());
            }
            if (r.hasNonNull("gateway") && r.hasNonNull("dev")) {
                routes.add(new OverlayEntries.Route(cidr, r.get("gateway").asText(), r.get("dev").asText(), onlink));
            } else {
                LOG.warn("overlay: a route of protocol {} without a gateway or a device is not the agent's, left alone: {}", ROUTE_PROTOCOL, r);
            }
        }
        return routes;
    }

    static Set<OverlayEntries.Neighbour> parseNeighbours(String json) {
        Set<OverlayEntries.Neighbour> neighbours = new HashSet<>();
        for (JsonNode n : array(json)) {
            String mac = Ipv4.mac(n.path("lladdr").asText(null));
            if (n.hasNonNull("dst") && mac != null) {
                neighbours.add(new OverlayEntries.Neighbour(n.get("dst").asText(), mac));
            }
        }
        return neighbours;
    }

    static Set<OverlayEntries.Fdb> parseFdbs(String json) {
        Set<OverlayEntries.Fdb> fdbs = new HashSet<>();
        for (JsonNode f : array(json)) {
            String mac = Ipv4.mac(f.path("mac").asText(null));
            // The all-zeros entries are default destinations (flooding), which the agent never adds.
            if (f.hasNonNull("dst") && mac != null && !mac.equals("00:00:00:00:00:00")) {
                fdbs.add(new OverlayEntries.Fdb(mac, f.get("dst").asText()));
            }
        }
        return fdbs;
    }

    private static JsonNode array(String json) {
        if (json == null || json.isBlank()) {
            return JSON.createArrayNode();
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (!node.isArray()) {
                throw new HostCommandException("iproute2 printed JSON that is not an array: " + json);
            }
            return node;
        } catch (IOException e) {
            throw new HostCommandException("iproute2 printed JSON that does not parse: " + e.getMessage() + ": " + json, e);
        }
    }
}
