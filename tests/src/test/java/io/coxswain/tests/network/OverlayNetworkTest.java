package io.coxswain.tests.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.network.HostCommands;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overlay agent across hosts, with nothing faked: hosts are network namespaces on a bridge (10.250.17.0/24), the
 * apiserver is the built jar listening on that bridge, each host runs {@code coxswain overlay} in its namespace, and
 * each host has a pod (a namespace on its cni0 bridge). The kernel's VXLAN carries the pods' packets, which the
 * device's counters show; the test reads the routes, neighbours and FDB with {@code ip -n} and {@code bridge -n}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OverlayNetworkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEV = "coxswain.1";
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final HostCommands ROOT = NetnsHosts.ROOT.withTimeout(Duration.ofSeconds(20));

    @TempDir
    Path dir;

    @Test
    void vxlanCarriesPodTrafficBetweenHostsAndFollowsTheNodes() throws Exception {
        try (NetnsHosts net = NetnsHosts.create("a", "b", "c");
             ApiServerProcess api = ApiServerProcess.startOn(NetnsHosts.GATEWAY, dir.resolve("api"));
             KubernetesClient client = api.newClient();
             OverlayAgents agents = new OverlayAgents(dir, api)) {
            NetnsHosts.Host a = net.get("a"), b = net.get("b"), c = net.get("c");
            for (NetnsHosts.Host h : net.hosts) {
                client.nodes().resource(node(h)).create();
            }
            Path logA = agents.start(a, "vxlan");
            agents.start(b, "vxlan");
            agents.start(c, "vxlan");

            // Each device as flannel makes it, and each node's annotations naming its MAC and underlay address.
            for (NetnsHosts.Host h : net.hosts) {
                // The agent creates the device, then sets it up and gives it its address: wait for the last step.
                eventually("the VXLAN device with its address on " + h.name(), () -> exists(h) && vtepAddress(h).equals(h.vtep() + "/32"),
                        () -> exists(h) ? "address " + vtepAddress(h) : "no device");
                JsonNode link = ipJson(h, "-d", "link", "show", "dev", DEV).path(0);
                JsonNode vxlan = link.path("linkinfo").path("info_data");
                assertThat(link.path("linkinfo").path("info_kind").asText()).isEqualTo("vxlan");
                assertThat(vxlan.path("id").asInt()).isEqualTo(1);
                assertThat(vxlan.path("port").asInt()).isEqualTo(8472);
                assertThat(vxlan.path("learning").asBoolean(true)).isFalse();
                assertThat(vxlan.path("local").asText()).isEqualTo(h.underlayIp());
                assertThat(link.path("mtu").asInt()).isEqualTo(1450);
                assertThat(link.path("flags").toString()).contains("\"UP\"");
                eventually("the annotations of " + h.node(), () -> mac(h).equals(vtepMacAnnotation(client, h)),
                        () -> String.valueOf(client.nodes().withName(h.node()).get().getMetadata().getAnnotations()));
                Map<String, String> annotations = client.nodes().withName(h.node()).get().getMetadata().getAnnotations();
                assertThat(annotations).containsEntry("coxswain.io/backend-type", "vxlan").containsEntry("coxswain.io/public-ip", h.underlayIp());
            }

            // Every host has a route, a neighbour and an FDB entry for each other host, and nothing else.
            for (NetnsHosts.Host h : net.hosts) {
                awaitEntries(h, net.hosts.stream().filter(o -> o != h).toList());
            }

            // Pod to pod across hosts, both ways, through the overlay: the device's byte counters grow on both hosts.
            long[] beforeA = counters(a), beforeB = counters(b);
            ping(a, b.podIp());
            ping(b, a.podIp());
            try (TcpPair tcp = TcpPair.open(a, b, 7000)) {
                tcp.exchange("hello from a", "hello from b");
                long[] afterA = counters(a), afterB = counters(b);
                System.out.printf("overlay counters (rx bytes, tx bytes): A %s -> %s, B %s -> %s%n",
                        Arrays.toString(beforeA), Arrays.toString(afterA), Arrays.toString(beforeB), Arrays.toString(afterB));
                assertThat(afterA[0]).as("A's VXLAN rx bytes").isGreaterThan(beforeA[0]);
                assertThat(afterA[1]).as("A's VXLAN tx bytes").isGreaterThan(beforeA[1]);
                assertThat(afterB[0]).as("B's VXLAN rx bytes").isGreaterThan(beforeB[0]);
                assertThat(afterB[1]).as("B's VXLAN tx bytes").isGreaterThan(beforeB[1]);

                // Pod to pod kept the pods' own addresses: the masquerade chain let it through unchanged.
                assertThat(masqCounter(a, "RETURN", a.podCidr(), "10.244.0.0/16")).as("A's pod-to-pod RETURN").isPositive();
                assertThat(masqCounter(a, "MASQUERADE", "10.244.0.0/16", "!224.0.0.0/4")).as("A's masquerades so far").isZero();

                // A pod reaches a machine outside the cluster CIDR, which has no route back to any pod: only through
                // the masquerade, which the chain's counter shows.
                String outside = net.outside("10.250.17.50");
                Path received = dir.resolve("outside-listener.out");
                Process listener = new ProcessBuilder("ip", "netns", "exec", outside, "busybox", "nc", "-l", "-p", "9000")
                        .redirectErrorStream(true).redirectOutput(received.toFile()).start();
                try {
                    eventually("nc listening outside", () -> HostCommands.inNetns(outside).check("ss", "-ltn").contains(":9000"),
                            () -> "not yet");
                    // -w 2: the client closes 2 s after its input ends, and the listener with it
                    HostCommands.Result sent = HostCommands.inNetns(a.podNetns()).withTimeout(Duration.ofSeconds(20))
                            .run("sh", "-c", "echo from-a-pod | busybox nc -w 2 10.250.17.50 9000");
                    listener.waitFor(10, TimeUnit.SECONDS);
                    listener.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    assertThat(Files.readString(received))
                            .as("what the outside listener got (the client: exit %d, %s)", sent.exitCode(), sent.stderr())
                            .contains("from-a-pod");
                } finally {
                    listener.destroyForcibly();
                }
                assertThat(masqCounter(a, "MASQUERADE", "10.244.0.0/16", "!224.0.0.0/4")).as("A's masquerades after the outside connection").isPositive();

                // A restarted agent finds its entries in place and changes nothing; the open connection still works.
                String entriesA = snapshot(a), entriesB = snapshot(b);
                agents.stop(a);
                tcp.exchange("while a's agent is down", "still here");
                Path logA2 = agents.start(a, "vxlan");
                OverlayAgents.awaitLog(logA2, "overlay: first sync done", CONVERGE);
                assertThat(Files.readString(logA2)).contains("first sync done: 2 peer(s), no change(s)")
                        .doesNotContain("overlay: ip ").doesNotContain("overlay: bridge ").doesNotContain("created " + DEV)
                        .doesNotContain("overlay: published");
                assertThat(snapshot(a)).isEqualTo(entriesA);
                assertThat(snapshot(b)).isEqualTo(entriesB);
                tcp.exchange("after a's agent restarted", "and back");
                System.out.println("agent A before its restart:\n" + Files.readString(logA) + "\nA's entries:\n" + entriesA);
            }

            // A resync removes a stale entry the agent owns and puts back one that went missing.
            HostCommands inA = HostCommands.inNetns(a.netns());
            inA.check("ip", "route", "replace", "10.244.9.0/24", "via", "10.244.9.0", "dev", DEV, "onlink", "proto", "77");
            inA.check("ip", "route", "del", b.podCidr(), "dev", DEV);
            awaitEntries(a, List.of(b, c));

            // C's annotations go (its agent stopped): its entries go from A and B; its agent back, they come back.
            agents.stop(c);
            client.nodes().withName(c.node()).edit(n -> {
                n.getMetadata().getAnnotations().keySet().removeIf(k -> k.startsWith("coxswain.io/"));
                return n;
            });
            awaitEntries(a, List.of(b));
            awaitEntries(b, List.of(a));
            agents.start(c, "vxlan");
            awaitEntries(a, List.of(b, c));
            awaitEntries(b, List.of(a, c));

            // Node C leaves: its entries go from A and B.
            String macC = mac(c);
            agents.stop(c);
            client.nodes().withName(c.node()).delete();
            awaitEntries(a, List.of(b));
            awaitEntries(b, List.of(a));
            for (NetnsHosts.Host h : List.of(a, b)) {
                assertThat(snapshot(h)).doesNotContain(c.podCidr()).doesNotContain(c.vtep() + " ").doesNotContain(macC);
            }
            ping(a, b.podIp());
        }
        assertThat(ROOT.check("ip", "netns", "list")).doesNotContain(NetnsHosts.PREFIX);
        assertThat(ROOT.run("ip", "link", "show", NetnsHosts.BRIDGE).ok()).isFalse();
    }

    @Test
    void hostGwRoutesPodCidrsThroughTheUnderlay() throws Exception {
        try (NetnsHosts net = NetnsHosts.create("a", "b");
             ApiServerProcess api = ApiServerProcess.startOn(NetnsHosts.GATEWAY, dir.resolve("api"));
             KubernetesClient client = api.newClient();
             OverlayAgents agents = new OverlayAgents(dir, api)) {
            NetnsHosts.Host a = net.get("a"), b = net.get("b");
            client.nodes().resource(node(a)).create();
            client.nodes().resource(node(b)).create();
            agents.start(a, "host-gw");
            agents.start(b, "host-gw");
            eventually("A's route to B's pods", () -> routes(a).equals(Set.of(b.podCidr() + " via " + b.underlayIp() + " dev eth0")),
                    () -> routes(a).toString());
            eventually("B's route to A's pods", () -> routes(b).equals(Set.of(a.podCidr() + " via " + a.underlayIp() + " dev eth0")),
                    () -> routes(b).toString());
            assertThat(exists(a)).as("no VXLAN device in host-gw").isFalse();
            Map<String, String> annotations = client.nodes().withName(a.node()).get().getMetadata().getAnnotations();
            assertThat(annotations).containsEntry("coxswain.io/backend-type", "host-gw")
                    .containsEntry("coxswain.io/public-ip", a.underlayIp()).doesNotContainKey("coxswain.io/backend-data");
            ping(a, b.podIp());
            ping(b, a.podIp());
            try (TcpPair tcp = TcpPair.open(a, b, 7000)) {
                tcp.exchange("hello over host-gw", "hello back");
            }
        }
        assertThat(ROOT.check("ip", "netns", "list")).doesNotContain(NetnsHosts.PREFIX);
    }

    private static Node node(NetnsHosts.Host h) {
        return new NodeBuilder().withNewMetadata().withName(h.node()).endMetadata().withNewSpec().withPodCIDR(h.podCidr()).endSpec().build();
    }

    private static String vtepMacAnnotation(KubernetesClient client, NetnsHosts.Host h) throws IOException {
        Map<String, String> annotations = client.nodes().withName(h.node()).get().getMetadata().getAnnotations();
        String data = annotations == null ? null : annotations.get("coxswain.io/backend-data");
        return data == null ? "" : JSON.readTree(data).path("VtepMAC").asText();
    }

    /** Exactly one route, neighbour and FDB entry for each peer, with the peer's own VTEP MAC and underlay address. */
    private static void awaitEntries(NetnsHosts.Host h, List<NetnsHosts.Host> peers) throws Exception {
        Set<String> routes = new TreeSet<>(), neighbours = new TreeSet<>(), fdbs = new TreeSet<>();
        for (NetnsHosts.Host p : peers) {
            String mac = mac(p);
            routes.add(p.podCidr() + " via " + p.vtep() + " dev " + DEV + " onlink");
            neighbours.add(p.vtep() + " lladdr " + mac + " PERMANENT");
            fdbs.add(mac + " dst " + p.underlayIp() + " self permanent");
        }
        eventually("the overlay entries of " + h.name(),
                () -> routes(h).equals(routes) && neighbours(h).equals(neighbours) && fdbs(h).equals(fdbs),
                () -> "want " + routes + neighbours + fdbs + ", have:\n" + snapshot(h));
    }

    /** The agent's routes: those of its protocol number (which {@code ip route show proto 77} leaves out of each line). */
    private static Set<String> routes(NetnsHosts.Host h) {
        return lines(in(h).check("ip", "-4", "route", "show", "proto", "77"));
    }

    private static Set<String> neighbours(NetnsHosts.Host h) {
        return lines(in(h).check("ip", "-4", "neigh", "show", "dev", DEV, "nud", "permanent"));
    }

    private static Set<String> fdbs(NetnsHosts.Host h) {
        return lines(in(h).check("bridge", "fdb", "show", "dev", DEV)).stream().filter(l -> l.contains(" dst ")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String snapshot(NetnsHosts.Host h) {
        return "routes " + routes(h) + "\nneighbours " + neighbours(h) + "\nfdb " + fdbs(h) + "\nmac " + mac(h);
    }

    /** The device's addresses, {@code local/prefixlen}, comma-separated. */
    private static String vtepAddress(NetnsHosts.Host h) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode addr : ipJson(h, "-4", "addr", "show", "dev", DEV).path(0).path("addr_info")) {
            out.add(addr.path("local").asText() + "/" + addr.path("prefixlen").asText());
        }
        return String.join(",", out);
    }

    private static boolean exists(NetnsHosts.Host h) {
        return in(h).run("ip", "link", "show", "dev", DEV).ok();
    }

    private static String mac(NetnsHosts.Host h) {
        return ipJson(h, "link", "show", "dev", DEV).path(0).path("address").asText();
    }

    /** The device's {rx bytes, tx bytes}. */
    /** The packet count of the rule of {@code h}'s masquerade chain with this target, source and destination. */
    private static long masqCounter(NetnsHosts.Host h, String target, String source, String destination) {
        String listed = in(h).check("iptables", "-w", "5", "-t", "nat", "-L", "COXSWAIN-POSTRTG", "-v", "-x", "-n");
        for (String line : listed.split("\n")) {
            // pkts bytes target prot opt in out source destination ...
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 9 && cols[0].matches("\\d+") && cols[2].equals(target) && cols[7].equals(source)
                    && cols[8].equals(destination)) {
                return Long.parseLong(cols[0]);
            }
        }
        throw new AssertionError("no " + target + " " + source + " -> " + destination + " rule in " + h.name()
                + "'s COXSWAIN-POSTRTG:\n" + listed);
    }

    private static long[] counters(NetnsHosts.Host h) {
        return NetnsHosts.vxlanBytes(h.netns());
    }

    private static void ping(NetnsHosts.Host from, String ip) {
        HostCommands.Result r = HostCommands.inNetns(from.podNetns()).withTimeout(Duration.ofSeconds(20))
                .run("busybox", "ping", "-c", "3", "-W", "3", ip);
        assertThat(r.stdout()).as("ping from %s's pod to %s: %s", from.name(), ip, r).contains("3 packets received");
    }

    private static JsonNode ipJson(NetnsHosts.Host h, String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "ip";
        command[1] = "-j";
        System.arraycopy(args, 0, command, 2, args.length);
        try {
            return JSON.readTree(in(h).check(command));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static HostCommands in(NetnsHosts.Host h) {
        return HostCommands.inNetns(h.netns());
    }

    private static Set<String> lines(String text) {
        return Arrays.stream(text.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void eventually(String what, Check check, Supplier<String> state) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " did not come in " + CONVERGE.toSeconds() + " s; now: " + state.get());
    }

    /** One TCP connection between two pods (busybox nc listening in B's pod, nc connecting from A's), kept open. */
    static final class TcpPair implements AutoCloseable {
        private final Process server;
        private final Process client;
        private final BufferedReader serverOut;
        private final BufferedReader clientOut;

        private TcpPair(Process server, Process client) {
            this.server = server;
            this.client = client;
            this.serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            this.clientOut = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        }

        static TcpPair open(NetnsHosts.Host from, NetnsHosts.Host to, int port) throws Exception {
            Process server = new ProcessBuilder("ip", "netns", "exec", to.podNetns(), "busybox", "nc", "-l", "-p", Integer.toString(port)).start();
            eventually("nc listening in " + to.podNetns(),
                    () -> HostCommands.inNetns(to.podNetns()).check("ss", "-ltn").contains(":" + port), () -> "not yet");
            Process client = new ProcessBuilder("ip", "netns", "exec", from.podNetns(), "busybox", "nc", to.podIp(), Integer.toString(port)).start();
            return new TcpPair(server, client);
        }

        /** A line from the client to the server, and one back, each within 10 s. */
        void exchange(String there, String back) throws Exception {
            send(client.getOutputStream(), there);
            assertThat(readLine(serverOut)).as("what the server got").isEqualTo(there);
            send(server.getOutputStream(), back);
            assertThat(readLine(clientOut)).as("what the client got").isEqualTo(back);
        }

        private static void send(OutputStream out, String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private static String readLine(BufferedReader in) throws Exception {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readLine();
                } catch (IOException e) {
                    return "(read failed: " + e + ")";
                }
            }).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            for (Process p : List.of(client, server)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
