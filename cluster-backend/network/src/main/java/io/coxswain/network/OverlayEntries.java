package io.coxswain.network;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernel entries the overlay owns on one node: routes to the other nodes' pod CIDRs, and for VXLAN the neighbour
 * (VTEP address to VTEP MAC) and FDB (VTEP MAC to underlay address) entries of flannel's vxlan backend. Either what
 * the Nodes ask for ({@link #desired}) or what the kernel has ({@link KernelEntries}); {@link #diff} gives what to change.
 */
record OverlayEntries(Set<Route> routes, Set<Neighbour> neighbours, Set<Fdb> fdbs) {

    /** A route the agent owns; {@code onlink} for VXLAN, where the gateway is the peer's VTEP, not on any local subnet. */
    record Route(String dst, String via, String dev, boolean onlink) implements Comparable<Route> {
        @Override
        public int compareTo(Route o) {
            return Comparator.comparing(Route::dst).thenComparing(Route::via).thenComparing(Route::dev)
                    .thenComparing(Route::onlink).compare(this, o);
        }
    }

    /** A permanent ARP entry on the VXLAN device: the peer's VTEP address answers with its VTEP MAC. */
    record Neighbour(String ip, String mac) implements Comparable<Neighbour> {
        @Override
        public int compareTo(Neighbour o) {
            return Comparator.comparing(Neighbour::ip).thenComparing(Neighbour::mac).compare(this, o);
        }
    }

    /** A forwarding entry on the VXLAN device: frames to the VTEP MAC go encapsulated to the peer's underlay address. */
    record Fdb(String mac, String dst) implements Comparable<Fdb> {
        @Override
        public int compareTo(Fdb o) {
            return Comparator.comparing(Fdb::mac).thenComparing(Fdb::dst).compare(this, o);
        }
    }

    OverlayEntries {
        routes = new TreeSet<>(routes);
        neighbours = new TreeSet<>(neighbours);
        fdbs = new TreeSet<>(fdbs);
    }

    static OverlayEntries empty() {
        return new OverlayEntries(Set.of(), Set.of(), Set.of());
    }

    /**
     * What every peer needs (flannel's {@code handleSubnetEvents} for an added lease): in VXLAN, a neighbour and an FDB
     * entry and an onlink route through the VXLAN device to the peer's VTEP; in host-gw, a route through the underlay
     * interface to the peer's underlay address.
     */
    static OverlayEntries desired(OverlayMode mode, Collection<Peer> peers, String vxlanDevice, String underlayInterface) {
        Set<Route> routes = new LinkedHashSet<>();
        Set<Neighbour> neighbours = new LinkedHashSet<>();
        Set<Fdb> fdbs = new LinkedHashSet<>();
        for (Peer peer : peers) {
            if (mode == OverlayMode.VXLAN) {
                neighbours.add(new Neighbour(peer.vtepAddress(), peer.vtepMac()));
                fdbs.add(new Fdb(peer.vtepMac(), peer.publicIp()));
                routes.add(new Route(peer.podCidr(), peer.vtepAddress(), vxlanDevice, true));
            } else {
                routes.add(new Route(peer.podCidr(), peer.publicIp(), underlayInterface, false));
            }
        }
        return new OverlayEntries(routes, neighbours, fdbs);
    }

    /** The changes that take {@code actual} to this (desired): stale entries to remove, missing ones to add. */
    Changes diff(OverlayEntries actual) {
        return new Changes(
                new OverlayEntries(minus(actual.routes, routes), minus(actual.neighbours, neighbours), minus(actual.fdbs, fdbs)),
                new OverlayEntries(minus(routes, actual.routes), minus(neighbours, actual.neighbours), minus(fdbs, actual.fdbs)));
    }

    boolean isEmpty() {
        return routes.isEmpty() && neighbours.isEmpty() && fdbs.isEmpty();
    }

    /** For the log: only the kinds that have entries, each in iproute2's words. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        routes.forEach(r -> out.append(out.isEmpty() ? "" : ", ").append("route ").append(r.dst()).append(" via ").append(r.via())
                .append(" dev ").append(r.dev()).append(r.onlink() ? " onlink" : ""));
        neighbours.forEach(n -> out.append(out.isEmpty() ? "" : ", ").append("neigh ").append(n.ip()).append(" lladdr ").append(n.mac()));
        fdbs.forEach(f -> out.append(out.isEmpty() ? "" : ", ").append("fdb ").append(f.mac()).append(" dst ").append(f.dst()));
        return out.isEmpty() ? "nothing" : out.toString();
    }

    /** Entries to remove and entries to add. */
    record Changes(OverlayEntries remove, OverlayEntries add) {
        boolean isEmpty() {
            return remove.isEmpty() && add.isEmpty();
        }
    }

    private static <T> Set<T> minus(Set<T> a, Set<T> b) {
        Set<T> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
