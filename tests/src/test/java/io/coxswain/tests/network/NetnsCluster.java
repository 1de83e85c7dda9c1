package io.coxswain.tests.network;

import io.coxswain.network.HostCommands;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.JarProcess;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of hosts as network namespaces (issue 17): the hosts on the underlay bridge ({@link NetnsHosts#createBare}),
 * the apiserver and the controller-manager of the built jar on the root namespace's underlay address, and in every
 * host {@code coxswain node}, joined with a token of {@code coxswain token create} as the README's "Add a machine" does
 * it (discovery with the CA pin, TLS bootstrap signed by the controller-manager): the kubelet (pods through CNI on the
 * pod CIDR that node IPAM gave its Node), the overlay agent (VXLAN) and kube-proxy, all with the node's own
 * certificate. All hosts share the machine's Docker engine through its
 * socket; each keeps its CNI state in a directory of its own, as separate machines would. {@link #close()} stops every
 * process, removes the nodes' containers and the namespaces, also after a failure.
 */
final class NetnsCluster implements AutoCloseable {

    static final Duration CONVERGE = Duration.ofSeconds(60);

    final NetnsHosts net;
    final ApiServerProcess api;
    final KubernetesClient client;
    final List<JarProcess> processes = new ArrayList<>();
    private final Path dir;
    private final String suffix = UUID.randomUUID().toString().substring(0, 6);
    private final Map<String, String> nodes = new LinkedHashMap<>();

    private NetnsCluster(Path dir, NetnsHosts net, ApiServerProcess api) {
        this.dir = dir;
        this.net = net;
        this.api = api;
        this.client = api.newClient();
    }

    /** Hosts {@code names} with their node's components running, every Node Ready with a pod CIDR. */
    static NetnsCluster start(Path dir, String... names) throws Exception {
        NetnsHosts net = NetnsHosts.createBare(names);
        NetnsCluster cluster = null;
        try {
            cluster = new NetnsCluster(dir, net, ApiServerProcess.startOn(NetnsHosts.GATEWAY, dir.resolve("api")));
            // node IPAM, the endpoints controller, and the signer and approver of the joining nodes' certificates
            Path pki = dir.resolve("api").resolve("data").resolve("pki");
            cluster.processes.add(JarProcess.start(dir, "controller-manager", "controller-manager running", "controller-manager",
                    "--kubeconfig", cluster.api.kubeconfig().toString(), "--metrics-bind-address", "127.0.0.1:0",
                    "--cluster-signing-cert-file", pki.resolve("ca.crt").toString(),
                    "--cluster-signing-key-file", pki.resolve("ca.key").toString()));
            List<String> join = cluster.joinCommand();
            for (NetnsHosts.Host h : net.hosts) {
                cluster.startNode(join, h);
            }
            for (NetnsHosts.Host h : net.hosts) {
                cluster.awaitReady(h);
            }
            return cluster;
        } catch (Exception | AssertionError e) {
            if (cluster != null) {
                System.out.println(cluster.diagnosis());
                cluster.close();
            } else {
                net.close();
            }
            throw e;
        }
    }

    NetnsHosts.Host host(String name) {
        return net.get(name);
    }

    /** The Node's name of a host: unique to this run, so that its containers are told apart from anyone else's. */
    String node(NetnsHosts.Host h) {
        return nodes.computeIfAbsent(h.name(), n -> "xh-" + n + "-" + suffix);
    }

    /** A kubeconfig with a node's own credentials ({@code system:node:<name>}), for a kubelet of that name. */
    Path nodeKubeconfig(String nodeName) throws IOException {
        return api.http().asUser(api.pki(), "system:node:" + nodeName, List.of("system:nodes"),
                dir.resolve(nodeName + ".kubeconfig")).kubeconfig();
    }

    /**
     * The join command that {@code coxswain token create} prints for the server's underlay URL, as the README's
     * "Add a machine" gives it, split into its words.
     */
    private List<String> joinCommand() throws Exception {
        JarProcess.Run created = JarProcess.run(dir, "token", "create", "--kubeconfig", api.kubeconfig().toString(),
                "--server", api.url(), "--description", "NetnsCluster");
        if (created.exit() != 0) {
            throw new AssertionError("token create exited with " + created.exit() + ": " + created.err());
        }
        String line = created.out().lines().filter(l -> l.startsWith("coxswain node ")).findFirst()
                .orElseThrow(() -> new AssertionError("token create printed no join command: " + created.out()));
        return List.of(line.substring("coxswain ".length()).split("\\s+"));
    }

    /** {@code coxswain node} in the host's namespace: it joins with the token and runs the kubelet, the overlay and kube-proxy. */
    private void startNode(List<String> join, NetnsHosts.Host h) throws Exception {
        List<String> args = new ArrayList<>(join);
        args.addAll(List.of("--data-dir", dir.resolve("node-" + h.name()).toString(), "--node-name", node(h),
                "--node-ip", h.underlayIp(), "--kubelet-port", "0", "--cni-state-dir", dir.resolve("cni-" + h.name()).toString(),
                "--iface", "eth0", "--resync-seconds", "3", "--sync-period-seconds", "5", "--node-status-update-frequency", "2"));
        processes.add(JarProcess.startIn(h.netns(), dir, "node-" + h.name(), "joined", args.toArray(String[]::new)));
    }

    /** Stops a host's {@code coxswain node} (SIGTERM) and starts it again with the same command line; it reuses its credentials. */
    void restartNode(NetnsHosts.Host h) throws Exception {
        JarProcess node = processes.stream().filter(p -> p.name.equals("node-" + h.name())).findFirst().orElseThrow();
        node.close();
        node.start("joined");
    }

    private void awaitReady(NetnsHosts.Host h) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (!ready(client.nodes().withName(node(h)).get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + node(h) + " was not Ready with a pod CIDR in " + CONVERGE.toSeconds() + " s; now: "
                        + client.nodes().withName(node(h)).get());
            }
            Thread.sleep(300);
        }
    }

    private static boolean ready(Node n) {
        return n != null && n.getSpec().getPodCIDR() != null && n.getStatus() != null && n.getStatus().getConditions() != null
                && n.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    Pod awaitRunning(String pod) {
        return client.pods().inNamespace("default").withName(pod).waitUntilCondition(p -> p != null && p.getStatus() != null
                && "Running".equals(p.getStatus().getPhase()) && p.getStatus().getPodIP() != null, 120, TimeUnit.SECONDS);
    }

    /** What each host holds, for a failure: addresses, routes, the overlay's entries, the forwarding rules, the logs' ends. */
    String diagnosis() {
        StringBuilder out = new StringBuilder("---- state of the hosts at the failure ----\n");
        for (NetnsHosts.Host h : net.hosts) {
            HostCommands in = HostCommands.inNetns(h.netns()).withTimeout(Duration.ofSeconds(10));
            for (String[] command : List.of(new String[]{"ip", "-br", "addr"}, new String[]{"ip", "route"},
                    new String[]{"ip", "neigh", "show", "dev", "coxswain.1"}, new String[]{"bridge", "fdb", "show", "dev", "coxswain.1"},
                    new String[]{"iptables", "-S", "FORWARD"}, new String[]{"iptables-save", "-t", "nat"},
                    new String[]{"sysctl", "net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables"})) {
                HostCommands.Result r = in.run(command);
                out.append("[").append(h.name()).append("] ").append(String.join(" ", command)).append(":\n")
                        .append(r.stdout()).append(r.stderr()).append("\n");
            }
        }
        for (JarProcess p : processes) {
            try {
                String log = p.output(0);
                out.append("---- ").append(p.name).append(" (last lines) ----\n")
                        .append(log.substring(Math.max(0, log.length() - 3000))).append("\n");
            } catch (IOException e) {
                out.append(p.name).append(": ").append(e).append("\n");
            }
        }
        return out.toString();
    }

    /** Removes every container of the given nodes (the Docker engine is the machine's: nothing else of them goes). */
    static void removeContainers(Iterable<String> nodeNames) throws IOException, InterruptedException {
        for (String node : nodeNames) {
            String ids = DockerNode.docker("ps", "-aq", "--filter", "label=io.coxswain.node=" + node);
            if (!ids.isBlank()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(List.of(ids.split("\\s+")));
                DockerNode.docker(rm.toArray(String[]::new));
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (JarProcess p : processes) {
                p.close();
            }
            removeContainers(nodes.values());
        } finally {
            try {
                client.close();
                api.close();
            } finally {
                net.close();
            }
        }
    }
}
