package io.coxswain.tests.network;

import io.coxswain.network.HostCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Several hosts on one machine (DESIGN.md): a network namespace per host, joined by a bridge on an underlay subnet
 * that nothing else on the machine uses, and in each host a pod: a namespace of its own on a veth to the host's
 * {@code cni0} bridge, addressed from the host's pod CIDR, with the host as its default gateway. Every name starts
 * with {@code cxo-}; {@link #close()} removes all of it (and the root namespace's two rules for the bridge), and {@link #removeLeftovers()} what an interrupted run left.
 */
final class NetnsHosts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetnsHosts.class);

    static final String PREFIX = "cxo-";
    static final String BRIDGE = "cxo-br";
    static final String UNDERLAY = "10.250.17.0/24";
    /** The root namespace's address on the underlay: where the apiserver listens. */
    static final String GATEWAY = "10.250.17.1";
    /**
     * With br_netfilter, frames between the bridge's ports pass the root namespace's iptables: its FORWARD policy is
     * Docker's DROP, and a MASQUERADE of 10.244.0.0/16 (a local Coxswain's pod network) would rewrite host-gw's pod
     * packets. The underlay is a wire between machines, so both let it be.
     */
    private static final List<List<String>> ROOT_RULES = List.of(
            List.of("-t", "filter", "FORWARD", "-i", BRIDGE, "-o", BRIDGE, "-j", "ACCEPT"),
            List.of("-t", "nat", "POSTROUTING", "-o", BRIDGE, "-j", "RETURN"));

    static final HostCommands ROOT = HostCommands.local();

    /** One host: {@code cxo-a}, eth0 at 10.250.17.11, pod CIDR 10.244.1.0/24, its pod {@code cxo-a-pod} at 10.244.1.2. */
    record Host(String name, String netns, String underlayIp, String podCidr, String podNetns, String podIp) {
        String node() {
            return "node-" + name;
        }

        /** The first address of the pod CIDR: the host's VTEP address. */
        String vtep() {
            return podCidr.substring(0, podCidr.indexOf('/'));
        }
    }

    /**
     * The names and the underlay are the machine's: a second run would remove the first one's namespaces as leftovers.
     * Runs in other JVMs (other worktrees' tests) wait for this lock instead; {@link #close()} releases it.
     */
    private static final Path LOCK = Path.of("/tmp/coxswain-netns-hosts.lock");
    private static final Duration LOCK_WAIT = Duration.ofMinutes(10);

    final List<Host> hosts = new ArrayList<>();
    private final FileChannel lockFile;
    private final FileLock lock;

    private NetnsHosts(FileChannel lockFile, FileLock lock) {
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Hosts a, b, c... in that order (10.250.17.11.., 10.244.1.0/24..), each with a hand-made pod on a cni0 bridge. */
    static NetnsHosts create(String... names) {
        return create(true, names);
    }

    /** Hosts with nothing but their underlay: a kubelet started in each makes the pods' network itself. */
    static NetnsHosts createBare(String... names) {
        return create(false, names);
    }

    private static NetnsHosts create(boolean withPods, String... names) {
        NetnsHosts net = locked();
        try {
            removeLeftovers();
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        String taken = ROOT.check("ip", "-4", "-o", "addr", "show", "to", UNDERLAY) + ROOT.check("ip", "-4", "route", "show", "to", "match", "10.250.17.5");
        if (taken.contains("10.250.17.")) {
            net.close();
            throw new IllegalStateException("the test's underlay " + UNDERLAY + " is in use on this machine:\n" + taken);
        }
        try {
            ROOT.check("ip", "link", "add", BRIDGE, "type", "bridge");
            ROOT.check("ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
            ROOT.check("ip", "link", "set", BRIDGE, "up");
            for (List<String> rule : ROOT_RULES) {
                ROOT.check(iptables("-I", rule));
            }
            for (int i = 0; i < names.length; i++) {
                net.hosts.add(net.host(names[i], i + 1, withPods));
            }
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private Host host(String name, int n, boolean withPod) {
        Host h = new Host(name, PREFIX + name, "10.250.17." + (10 + n), "10.244." + n + ".0/24", PREFIX + name + "-pod", "10.244." + n + ".2");
        HostCommands in = HostCommands.inNetns(h.netns());
        ROOT.check("ip", "netns", "add", h.netns());
        ROOT.check("ip", "link", "add", PREFIX + name + "-u", "type", "veth", "peer", "name", "eth0", "netns", h.netns());
        ROOT.check("ip", "link", "set", PREFIX + name + "-u", "master", BRIDGE, "up");
        in.check("ip", "link", "set", "lo", "up");
        in.check("ip", "addr", "add", h.underlayIp() + "/24", "dev", "eth0");
        in.check("ip", "link", "set", "eth0", "up");
        // The host forwards between its pods and the overlay, as a node does.
        in.check("sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
        if (!withPod) {
            return h;
        }
        in.check("ip", "link", "add", "cni0", "type", "bridge");
        in.check("ip", "addr", "add", "10.244." + n + ".1/24", "dev", "cni0");
        in.check("ip", "link", "set", "cni0", "up");
        ROOT.check("ip", "netns", "add", h.podNetns());
        in.check("ip", "link", "add", "veth-pod", "type", "veth", "peer", "name", "eth0", "netns", h.podNetns());
        in.check("ip", "link", "set", "veth-pod", "master", "cni0", "up");
        HostCommands pod = HostCommands.inNetns(h.podNetns());
        pod.check("ip", "link", "set", "lo", "up");
        pod.check("ip", "addr", "add", h.podIp() + "/24", "dev", "eth0");
        pod.check("ip", "link", "set", "eth0", "up");
        pod.check("ip", "route", "add", "default", "via", "10.244." + n + ".1");
        return h;
    }

    /**
     * A machine outside the cluster on the underlay ({@code cxo-out} at {@code ip}): no route to any pod CIDR, so only a
     * masqueraded connection from a pod can be answered.
     */
    String outside(String ip) {
        String netns = PREFIX + "out";
        ROOT.check("ip", "netns", "add", netns);
        ROOT.check("ip", "link", "add", PREFIX + "out-u", "type", "veth", "peer", "name", "eth0", "netns", netns);
        ROOT.check("ip", "link", "set", PREFIX + "out-u", "master", BRIDGE, "up");
        HostCommands in = HostCommands.inNetns(netns);
        in.check("ip", "link", "set", "lo", "up");
        in.check("ip", "addr", "add", ip + "/24", "dev", "eth0");
        in.check("ip", "link", "set", "eth0", "up");
        return netns;
    }

    /** The overlay device's byte counters on a host: {rx bytes, tx bytes}. */
    static long[] vxlanBytes(String netns) {
        String out = HostCommands.inNetns(netns).check("cat", "/sys/class/net/coxswain.1/statistics/rx_bytes",
                "/sys/class/net/coxswain.1/statistics/tx_bytes");
        String[] v = out.strip().split("\\s+");
        return new long[]{Long.parseLong(v[0]), Long.parseLong(v[1])};
    }

    /** The overlay's entries on a host: its routes, neighbours and FDB entries on the VXLAN device, sorted. */
    static String overlayEntries(String netns) {
        HostCommands in = HostCommands.inNetns(netns);
        return String.join("\n", new java.util.TreeSet<>(List.of(in.check("ip", "route", "show", "dev", "coxswain.1").strip(),
                in.check("ip", "neigh", "show", "dev", "coxswain.1").strip(), in.check("bridge", "fdb", "show", "dev", "coxswain.1").strip())));
    }

    Host get(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    /** Waits for the machine-wide lock (another JVM's run of these hosts), up to {@link #LOCK_WAIT}. */
    private static NetnsHosts locked() {
        try {
            FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
            boolean said = false;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new NetnsHosts(channel, lock);
                }
                if (System.nanoTime() > deadline) {
                    channel.close();
                    throw new IllegalStateException("another run held " + LOCK + " (the cxo- hosts) for " + LOCK_WAIT.toMinutes() + " minutes");
                }
                if (!said) {
                    LOG.info("another run uses the cxo- hosts; waiting for {}", LOCK);
                    said = true;
                }
                Thread.sleep(1000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("locking " + LOCK, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + LOCK, e);
        }
    }

    @Override
    public void close() {
        try {
            removeLeftovers();
        } finally {
            try {
                lock.release();
                lockFile.close();
            } catch (IOException e) {
                LOG.warn("could not release {}: {}", LOCK, e.toString());
            }
        }
    }

    /** Every cxo- namespace (the veths in them go with them), the bridge and the root namespace's rules for it. */
    static void removeLeftovers() {
        for (String line : ROOT.check("ip", "netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(PREFIX)) {
                HostCommands.Result r = ROOT.run("ip", "netns", "del", name);
                if (!r.ok()) {
                    LOG.warn("could not remove netns {}: {}", name, r.stderr().strip());
                }
            }
        }
        // the bridge, and the hosts' underlay veths whose namespace outlived its name (a copy of its mount elsewhere keeps it)
        for (String line : ROOT.check("ip", "-o", "link", "show").split("\n")) {
            String[] fields = line.split(":\\s+|@", 3);
            if (fields.length > 1 && fields[1].startsWith(PREFIX)) {
                ROOT.run("ip", "link", "del", fields[1].strip());
            }
        }
        for (List<String> rule : ROOT_RULES) {
            while (ROOT.run(iptables("-D", rule)).ok()) {
                // a rule each time, until none is left
            }
        }
    }

    /** {@code iptables -w 5 -t TABLE <-I|-D> CHAIN spec...}. */
    private static String[] iptables(String action, List<String> rule) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", "5"));
        command.addAll(rule.subList(0, 2));
        command.add(action);
        command.addAll(rule.subList(2, rule.size()));
        return command.toArray(String[]::new);
    }
}
