package io.coxswain.tests.network;

import io.coxswain.network.HostCommands;
import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pod network across machines with real containers (issue 17): three hosts as network namespaces on an underlay
 * bridge (10.250.17.0/24), the apiserver and the controller-manager of the built jar on the root namespace's
 * underlay address, and in every host {@code coxswain node} joined with a token of {@code coxswain token create}
 * (see {@link NetnsCluster}): the kubelet (pods through CNI on the pod CIDR that node IPAM gave its Node), the overlay
 * agent (VXLAN) and kube-proxy, with the node's own certificate. All hosts share the machine's Docker engine through
 * its socket; each keeps its CNI state in a directory of its own, as separate machines would.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class PodNetworkAcrossHostsTest {

    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final String IMAGE = "coxswain/busybox:1";

    @TempDir
    Path dir;


    @Test
    void nodesJoinAndPodsServicesAndNodePortsWorkAcrossHostsThroughCniAndTheOverlay() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start(dir, "a", "b", "c")) {
            KubernetesClient client = cluster.client;
            NetnsHosts net = cluster.net;
            try {
                NetnsHosts.Host a = net.get("a"), b = net.get("b"), c = net.get("c");
                Map<String, String> cidrs = new LinkedHashMap<>();
                for (NetnsHosts.Host h : net.hosts) {
                    cidrs.put(h.name(), client.nodes().withName(cluster.node(h)).get().getSpec().getPodCIDR());
                }
                System.out.println("pod CIDRs from node IPAM: " + cidrs);
                assertThat(new TreeSet<>(cidrs.values())).hasSize(3);

                // a web server pod on every host, answering with its own name
                for (NetnsHosts.Host h : net.hosts) {
                    client.pods().inNamespace("default").resource(web("web-" + h.name(), cluster.node(h), "web")).create();
                }
                Map<String, String> podIps = new LinkedHashMap<>();
                for (NetnsHosts.Host h : net.hosts) {
                    Pod p = cluster.awaitRunning("web-" + h.name());
                    podIps.put(h.name(), p.getStatus().getPodIP());
                    assertThat(p.getStatus().getPodIP()).as("web-%s's IP is in its node's CIDR %s", h.name(), cidrs.get(h.name()))
                            .startsWith(cidrs.get(h.name()).substring(0, cidrs.get(h.name()).lastIndexOf('.') + 1));
                }
                System.out.println("pod IPs: " + podIps);

                // pod to pod across hosts, both ways, by pod IP; the VXLAN devices' counters show the bytes
                long[] beforeA = NetnsHosts.vxlanBytes(a.netns()), beforeB = NetnsHosts.vxlanBytes(b.netns());
                assertThat(get("web-a", "http://" + podIps.get("b") + ":8080/name")).isEqualTo("web-b");
                assertThat(get("web-b", "http://" + podIps.get("a") + ":8080/name")).isEqualTo("web-a");
                long[] afterA = NetnsHosts.vxlanBytes(a.netns()), afterB = NetnsHosts.vxlanBytes(b.netns());
                System.out.printf("VXLAN bytes (rx, tx): A %s -> %s, B %s -> %s%n", Arrays.toString(beforeA), Arrays.toString(afterA),
                        Arrays.toString(beforeB), Arrays.toString(afterB));
                for (int i = 0; i < 2; i++) {
                    assertThat(afterA[i]).as("A's VXLAN counter %d", i).isGreaterThan(beforeA[i]);
                    assertThat(afterB[i]).as("B's VXLAN counter %d", i).isGreaterThan(beforeB[i]);
                }
                // pod to pod keeps the pod's own address: the server on C saw A's pod IP, not A's node address
                // (busybox httpd listens on IPv6 too and gives REMOTE_ADDR as [::ffff:10.244.x.y])
                assertThat(get("web-a", "http://" + podIps.get("c") + ":8080/cgi-bin/peer")).isEqualTo("[::ffff:" + podIps.get("a") + "]");

                // a ClusterIP Service whose endpoints are on B and C answers from a pod on A, from both
                client.pods().inNamespace("default").resource(web("backend-b", cluster.node(b), "backend")).create();
                client.pods().inNamespace("default").resource(web("backend-c", cluster.node(c), "backend")).create();
                cluster.awaitRunning("backend-b");
                cluster.awaitRunning("backend-c");
                Service svc = client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("backend")
                        .endMetadata().withNewSpec().addToSelector("app", "backend").addNewPort().withPort(80)
                        .withNewTargetPort(8080).endPort().endSpec().build()).create();
                String clusterIp = svc.getSpec().getClusterIP();
                Set<String> answered = new TreeSet<>();
                long deadline = System.nanoTime() + CONVERGE.toNanos();
                while (answered.size() < 2 && System.nanoTime() < deadline) {
                    String body = body(getOnce("web-a", "http://" + clusterIp + "/name"));
                    if (body != null && body.startsWith("backend-")) {
                        answered.add(body);
                    }
                }
                System.out.println("ClusterIP " + clusterIp + " answered from A's pod by: " + answered);
                assertThat(answered).containsExactly("backend-b", "backend-c");

                // a NodePort on C's address reaches the only endpoint, on A; with externalTrafficPolicy Local, C refuses
                Service only = client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata()
                        .withName("only-a").endMetadata().withNewSpec().withType("NodePort").addToSelector("app", "web-only-a")
                        .addNewPort().withPort(80).withNewTargetPort(8080).endPort().endSpec().build()).create();
                client.pods().inNamespace("default").withName("web-a").edit(p -> {
                    p.getMetadata().getLabels().put("app", "web-only-a");
                    return p;
                });
                int nodePort = only.getSpec().getPorts().get(0).getNodePort();
                assertThat(hostGet("http://" + c.underlayIp() + ":" + nodePort + "/name")).isEqualTo("web-a");
                client.services().inNamespace("default").withName("only-a").edit(s -> {
                    s.getSpec().setExternalTrafficPolicy("Local");
                    return s;
                });
                eventually("C to refuse the Local NodePort", () -> !reachable("http://" + c.underlayIp() + ":" + nodePort + "/name"),
                        () -> "still answers");
                assertThat(hostGet("http://" + a.underlayIp() + ":" + nodePort + "/name")).isEqualTo("web-a");
                // Local keeps the client's address: once A's kube-proxy has the Local rules (it syncs on its own, after C's), the
                // pod sees the root namespace's underlay address, not one of A's own
                String clientAddress = "[::ffff:" + NetnsHosts.GATEWAY + "]";
                eventually("A's pod to see the NodePort client's own address", () -> {
                    try {
                        return hostGet("http://" + a.underlayIp() + ":" + nodePort + "/cgi-bin/peer").equals(clientAddress);
                    } catch (Exception e) {
                        return false;
                    }
                }, () -> "it sees another");
                System.out.println("verified: NodePort " + nodePort + " on C reached the endpoint on A; with externalTrafficPolicy "
                        + "Local, C refuses and A answers with the client's own address");

                // a pod reaches a machine outside the cluster CIDR, which has no route back to pods: masquerade
                String outside = net.outside("10.250.17.50");
                Path www = Files.createDirectories(dir.resolve("outside-www"));
                Files.writeString(www.resolve("name"), "outside");
                Process listener = new ProcessBuilder("ip", "netns", "exec", outside, "busybox", "httpd", "-f", "-p", "9000", "-h",
                        www.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("outside.log").toFile()).start();
                try {
                    assertThat(get("web-b", "http://10.250.17.50:9000/name")).isEqualTo("outside");
                } finally {
                    listener.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                System.out.println("verified: a pod on B reached 10.250.17.50 outside the cluster CIDR through the masquerade");

                // node A's coxswain node restarts (its credentials reused, its pods adopted after CNI CHECK): its overlay
                // entries come back the same, and a TCP connection between pods on A and B, open across it, still works
                try (PodConnection tcp = PodConnection.open(container("web-a"), container("web-b"), podIps.get("b"), 7000)) {
                    tcp.exchange("before the restart");
                    String entries = NetnsHosts.overlayEntries(a.netns());
                    String sandboxes = DockerNode.docker("ps", "-q", "--filter", "label=io.coxswain.node=" + cluster.node(a));
                    cluster.restartNode(a);
                    eventually("A's overlay entries after the restart", () -> NetnsHosts.overlayEntries(a.netns()).equals(entries),
                            () -> NetnsHosts.overlayEntries(a.netns()) + "\nwas\n" + entries);
                    tcp.exchange("after the restart");
                    assertThat(DockerNode.docker("ps", "-q", "--filter", "label=io.coxswain.node=" + cluster.node(a)))
                            .as("A's containers, adopted").isEqualTo(sandboxes);
                }
                System.out.println("verified: after node A's restart its overlay entries are the same, its containers were adopted, "
                        + "and a pod-to-pod TCP connection open across the restart still carries data");
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.diagnosis());
                throw e;
            }
        }
    }

    /** busybox httpd on 8080 serving /name (the pod's name) and /cgi-bin/peer (the client's address as the pod saw it). */
    private static Pod web(String name, String node, String app) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata().withNewSpec()
                .withNodeName(node).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("web").withImage(IMAGE).withCommand("sh", "-c",
                        "mkdir -p /tmp/www/cgi-bin && echo -n $HOSTNAME > /tmp/www/name && "
                                + "printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho -n $REMOTE_ADDR\\n' > /tmp/www/cgi-bin/peer && "
                                + "chmod +x /tmp/www/cgi-bin/peer && exec httpd -f -p 8080 -h /tmp/www")
                .endContainer().endSpec().build();
    }

    /** An HTTP GET from inside a pod's container, retried while the network converges; the body. */
    private String get(String pod, String url) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = getOnce(pod, url);
            String body = body(last);
            if (body != null) {
                return body;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(pod + " could not GET " + url + " in " + CONVERGE.toSeconds() + " s: " + last);
    }

    /**
     * busybox nc with a request of HTTP/1.0 (the static busybox's wget dies on some of these requests); the raw answer,
     * or nc's error.
     */
    private String getOnce(String pod, String url) throws Exception {
        java.net.URI uri = java.net.URI.create(url);
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        return exec(pod, "sh", "-c", "printf 'GET " + uri.getRawPath() + " HTTP/1.0\\r\\n\\r\\n' | timeout 5 nc -w 3 "
                + uri.getHost() + " " + port);
    }

    /** The body of a raw HTTP answer (a CGI's headers end in bare newlines), or null when it is no answer. */
    private static String body(String raw) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\r?\n\r?\n").matcher(raw);
        return raw.startsWith("HTTP/1.") && m.find() ? raw.substring(m.end()).strip() : null;
    }

    /** The running container "web" of a pod. */
    private static String container(String pod) throws Exception {
        String container = DockerNode.docker("ps", "-q", "--filter", "label=io.kubernetes.pod.name=" + pod,
                "--filter", "label=io.kubernetes.container.name=web", "--filter", "label=io.coxswain.node", "--filter", "status=running");
        return container.lines().findFirst().orElseThrow(() -> new AssertionError("no running container of " + pod));
    }

    private String exec(String pod, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("exec", container(pod)));
        args.addAll(List.of(command));
        return DockerNode.docker(args.toArray(String[]::new));
    }

    /** One TCP connection between two pods' containers (busybox nc listening in one, nc connecting from the other), kept open. */
    private static final class PodConnection implements AutoCloseable {
        private final Process server;
        private final Process client;
        private final java.io.BufferedReader received;

        private PodConnection(Process server, Process client) {
            this.server = server;
            this.client = client;
            this.received = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        }

        static PodConnection open(String from, String to, String toIp, int port) throws Exception {
            Process server = new ProcessBuilder("docker", "exec", "-i", to, "nc", "-l", "-p", String.valueOf(port)).start();
            long deadline = System.nanoTime() + CONVERGE.toNanos();
            while (!DockerNode.docker("exec", to, "netstat", "-ltn").contains(":" + port + " ")) {
                if (System.nanoTime() > deadline) {
                    server.destroyForcibly();
                    throw new AssertionError("nc did not listen on " + port);
                }
                Thread.sleep(200);
            }
            Process client = new ProcessBuilder("docker", "exec", "-i", from, "nc", toIp, String.valueOf(port)).start();
            return new PodConnection(server, client);
        }

        /** A line from the client's end, read on the server's end within 20 s. */
        void exchange(String line) throws Exception {
            client.getOutputStream().write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            client.getOutputStream().flush();
            java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return received.readLine();
                } catch (java.io.IOException e) {
                    return "read failed: " + e;
                }
            });
            assertThat(read.get(20, TimeUnit.SECONDS)).as("what the connection carried").isEqualTo(line);
        }

        @Override
        public void close() {
            client.destroyForcibly();
            server.destroyForcibly();
        }
    }

    /** GET from the root namespace (a machine on the underlay), retried while rules converge. */
    private static String hostGet(String url) throws Exception {
        return DockerNode.httpGetWithRetry(url).strip();
    }

    private static boolean reachable(String url) {
        HostCommands.Result r = NetnsHosts.ROOT.withTimeout(Duration.ofSeconds(10)).run("busybox", "wget", "-q", "-T", "2", "-O", "-", url);
        return r.ok();
    }

    private static void eventually(String what, BooleanSupplier check, Supplier<String> state) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.getAsBoolean()) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(what + " did not come in " + CONVERGE.toSeconds() + " s; now: " + state.get());
    }
}
