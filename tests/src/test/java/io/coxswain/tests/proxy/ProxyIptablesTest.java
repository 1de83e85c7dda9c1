package io.coxswain.tests.proxy;

import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.proxy.KubeProxy;
import io.coxswain.proxy.ProxyOptions;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static io.coxswain.tests.proxy.HostCommands.docker;
import static io.coxswain.tests.proxy.HostCommands.get;
import static io.coxswain.tests.proxy.HostCommands.iptablesSave;
import static io.coxswain.tests.proxy.HostCommands.refusalMillis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube-proxy against the real thing: a Coxswain apiserver, this host's iptables (nf_tables) next to Docker's own
 * chains, and busybox httpd containers on a Docker bridge network of the test's own. Services and EndpointSlices are
 * written by hand. The proxy's chains carry the prefix CXT and its service range is 10.96.250.0/24, so the suite
 * stays apart from any other proxy on the host; everything it made is removed by name at the end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyIptablesTest {

    static final String NETWORK = "cxs-proxy-test";
    static final String B1 = "10.250.0.11";
    static final String B2 = "10.250.0.12";
    static final List<String> CONTAINERS = List.of("cxs-proxy-b1", "cxs-proxy-b2", "cxs-proxy-client");
    static final String CIDR = "10.96.250.0/24";
    static final String PREFIX = "CXT";

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static KubernetesClient client;
    static ProxyOptions options;
    static KubeProxy proxy;
    static String nodeIp;
    static final Path ROUTE_LOCALNET = Path.of("/proc/sys/net/ipv4/conf/all/route_localnet");
    static String routeLocalnetBefore;

    @BeforeAll
    static void start() throws Exception {
        // ./coxswain test provides all three; a machine without them fails here rather than passing quietly
        assertThat(HostCommands.available("iptables-save") && HostCommands.available("docker", "info"))
                .as("needs root, iptables and a running Docker engine").isTrue();
        nodeIp = HostCommands.nodeIp();
        options = ProxyOptions.defaults("proxy-test-node").withChainPrefix(PREFIX).withServiceCidr(CIDR)
                .withNodeIps(List.of(nodeIp)).withSyncPeriod(Duration.ofSeconds(5), Duration.ofMillis(50));
        removeLeftovers();
        routeLocalnetBefore = Files.readString(ROUTE_LOCALNET).strip();
        docker("network", "create", "--subnet", "10.250.0.0/24", NETWORK);
        backend("cxs-proxy-b1", "b1", B1);
        backend("cxs-proxy-b2", "b2", B2);
        docker("run", "-d", "--name", "cxs-proxy-client", "--network", NETWORK, "--ip", "10.250.0.20",
                "coxswain/busybox:1", "sleep", "3600");
        eventually(() -> get(B1, 8080).equals("hello-b1") && get(B2, 8080).equals("hello-b2"));
        hairpinMode(NETWORK);

        cluster = TestCluster.embedded(dir, ApiServerOptions.defaults().withServiceCidr(CIDR));
        client = cluster.newClient();
        proxy = KubeProxy.start(client, options);
        assertThat(proxy.awaitSynced(Duration.ofSeconds(30))).isTrue();
    }

    private static void backend(String name, String hostname, String ip) {
        docker("run", "-d", "--name", name, "--hostname", hostname, "--network", NETWORK, "--ip", ip, "coxswain/busybox:1",
                "sh", "-c", "mkdir -p /www && echo hello-$HOSTNAME > /www/index.html && exec httpd -f -p 8080 -h /www");
    }

    /**
     * A pod that reaches a service and is DNATed to itself gets its packet back through the bridge port it came in on,
     * which a bridge does only in hairpin mode. The network's owner sets it, as Kubernetes' kubelet does with
     * {@code --hairpin-mode=hairpin-veth}; here the suite owns the network.
     */
    private static void hairpinMode(String network) throws IOException {
        Path ports = Path.of("/sys/class/net/br-" + docker("network", "inspect", "-f", "{{.Id}}", network).substring(0, 12), "brif");
        try (var list = Files.list(ports)) {
            for (Path port : list.toList()) {
                Files.writeString(port.resolve("hairpin_mode"), "1");
            }
        }
    }

    /** What an earlier, interrupted run may have left: our containers, our network, our chains, our route. */
    private static void removeLeftovers() {
        for (String container : CONTAINERS) {
            HostCommands.run("docker", "rm", "-f", container);
        }
        HostCommands.run("docker", "network", "rm", NETWORK);
        KubeProxy.cleanup(options);
    }

    @AfterAll
    static void stop() throws IOException {
        if (options == null) {
            return;
        }
        if (proxy != null) {
            proxy.cleanup();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        removeLeftovers();
        if (routeLocalnetBefore != null) {
            // The restarted proxy found it on already, so it is this suite that puts it back.
            Files.writeString(ROUTE_LOCALNET, routeLocalnetBefore);
        }
        assertThat(iptablesSave()).doesNotContain(PREFIX + "-");
        assertThat(HostCommands.run("ip", "route", "show", "table", "local").out()).doesNotContain("10.96.250.0/24");
    }

    @Test
    @Order(1)
    void clusterIpAnswersFromTheHostAndSpreadsOverBothEndpoints() throws Exception {
        apply(service("web", "ClusterIP", "10.96.250.10", 80, null), endpoints("web", B1, B2));
        eventually(() -> get("10.96.250.10", 80).startsWith("hello-"));

        assertThat(answers(() -> get("10.96.250.10", 80))).containsExactlyInAnyOrder("hello-b1", "hello-b2");
    }

    @Test
    @Order(2)
    void clusterIpAnswersFromAnotherContainer() throws Exception {
        apply(service("web", "ClusterIP", "10.96.250.10", 80, null), endpoints("web", B1, B2));
        eventually(() -> get("10.96.250.10", 80).startsWith("hello-"));

        assertThat(answers(() -> wget("cxs-proxy-client", "http://10.96.250.10/")))
                .containsExactlyInAnyOrder("hello-b1", "hello-b2");
        // A backend that reaches the service lands on itself half of the time (hairpin, masqueraded).
        assertThat(answers(() -> wget("cxs-proxy-b1", "http://10.96.250.10/")))
                .containsExactlyInAnyOrder("hello-b1", "hello-b2");
    }

    @Test
    @Order(3)
    void nodePortAnswersOnTheNodeAddressAndOnLocalhost() throws Exception {
        apply(service("web-np", "NodePort", "10.96.250.11", 80, 30480), endpoints("web-np", B1, B2));
        eventually(() -> get(nodeIp, 30480).startsWith("hello-"));
        assertThat(get("127.0.0.1", 30480)).startsWith("hello-");
        assertThat(get("10.96.250.11", 80)).startsWith("hello-");
        assertThat(wget("cxs-proxy-client", "http://" + nodeIp + ":30480/")).startsWith("hello-");
    }

    @Test
    @Order(4)
    void aServiceWithoutEndpointsRefusesAtOnce() throws Exception {
        apply(service("empty", "NodePort", "10.96.250.12", 80, 30481), null);
        eventually(() -> iptablesSave().contains("default/empty:http has no endpoints"));

        assertThat(refusalMillis("10.96.250.12", 80)).isBetween(0L, 500L);
        assertThat(refusalMillis(nodeIp, 30481)).isBetween(0L, 500L);
        long started = System.nanoTime();
        HostCommands.Result fromContainer = HostCommands.run("docker", "exec", "cxs-proxy-client", "timeout", "5", "wget",
                "-qO-", "http://10.96.250.12/");
        assertThat(fromContainer.exitCode()).isNotZero();
        assertThat((System.nanoTime() - started) / 1_000_000).as("a refusal, not the 5 s timeout").isLessThan(4000);
    }

    @Test
    @Order(5)
    void serviceAddressesReachNothingButServices() throws Exception {
        // An address in the range that no service holds is refused at once: it never reaches the default route.
        assertThat(refusalMillis("10.96.250.200", 80)).isBetween(0L, 500L);
        // A daemon of the host listening on every address is not reachable through a service address.
        try (ServerSocket daemon = new ServerSocket(0)) {
            assertThat(refusalMillis("127.0.0.1", daemon.getLocalPort())).isEqualTo(-1);
            assertThat(refusalMillis("10.96.250.10", daemon.getLocalPort())).isBetween(0L, 500L);
        }
    }

    @Test
    @Order(6)
    void deletingAServiceRemovesItsRules() throws Exception {
        apply(service("gone", "NodePort", "10.96.250.13", 80, 30482), endpoints("gone", B1));
        eventually(() -> get("10.96.250.13", 80).equals("hello-b1"));
        assertThat(iptablesSave()).contains("default/gone:http");

        client.services().inNamespace("default").withName("gone").delete();
        slices().withName("gone").delete();
        eventually(() -> !iptablesSave().contains("default/gone"));
        assertThat(iptablesSave()).doesNotContain("10.96.250.13", "--dport 30482");
        assertThat(refusalMillis("10.96.250.13", 80)).isBetween(0L, 500L);
    }

    @Test
    @Order(7)
    void aRestartedProxyTakesOverAndResyncs() throws Exception {
        apply(service("before", "ClusterIP", "10.96.250.14", 80, null), endpoints("before", B2));
        eventually(() -> get("10.96.250.14", 80).equals("hello-b2"));

        proxy.close();
        // The rules stay while no proxy runs; what changes meanwhile is picked up by the next one.
        assertThat(get("10.96.250.14", 80)).isEqualTo("hello-b2");
        client.services().inNamespace("default").withName("before").delete();
        slices().withName("before").delete();
        apply(service("after", "ClusterIP", "10.96.250.15", 8080, null), endpoints("after", B1));

        proxy = KubeProxy.start(client, options);
        assertThat(proxy.awaitSynced(Duration.ofSeconds(30))).isTrue();
        String rules = iptablesSave();
        assertThat(rules).doesNotContain("default/before").contains("default/after:http");
        assertThat(get("10.96.250.15", 8080)).isEqualTo("hello-b1");
        assertThat(refusalMillis("10.96.250.14", 80)).isBetween(0L, 500L);
        // Each hook into our chains is there once, however many syncs and restarts there were.
        assertThat(rules.lines().filter(l -> l.startsWith("-A PREROUTING ") && l.endsWith("-j " + PREFIX + "-SERVICES"))).hasSize(1);
        assertThat(rules.lines().filter(l -> l.startsWith("-A INPUT ") && l.endsWith("-j " + PREFIX + "-FIREWALL"))).hasSize(1);
    }

    static Service service(String name, String type, String clusterIp, int port, Integer nodePort) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withType(type).withClusterIP(clusterIp)
                .addNewPort().withName("http").withProtocol("TCP").withPort(port).withTargetPort(new IntOrString("http"))
                .withNodePort(nodePort).endPort()
                .endSpec().build();
    }

    /** The one slice of service {@code name}, named like it, as a controller would label it. */
    static EndpointSlice endpoints(String name, String... ips) {
        EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace("default")
                .addToLabels("kubernetes.io/service-name", name).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
        for (String ip : ips) {
            slice.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions().endEndpoint();
        }
        return slice.build();
    }

    static NonNamespaceOperation<EndpointSlice, EndpointSliceList, Resource<EndpointSlice>> slices() {
        return client.discovery().v1().endpointSlices().inNamespace("default");
    }

    /** What a few fresh connections answered: stops as soon as both backends have. */
    static Set<String> answers(Callable<String> fetch) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40 && seen.size() < 2; i++) {
            seen.add(fetch.call());
        }
        return seen;
    }

    /** Busybox wget in a container; {@code timeout} because it crashes instead of failing on a refusal. */
    static String wget(String container, String url) {
        HostCommands.Result r = HostCommands.run("docker", "exec", container, "timeout", "5", "wget", "-qO-", url);
        assertThat(r.exitCode()).as(url + " from " + container + ": " + r.out()).isZero();
        return r.out().strip();
    }

    /** Creates the Service (and its EndpointSlice, when given) unless they already exist. */
    static void apply(Service service, EndpointSlice endpoints) {
        if (client.services().inNamespace("default").withName(service.getMetadata().getName()).get() == null) {
            client.services().inNamespace("default").resource(service).create();
        }
        if (endpoints != null && slices().withName(endpoints.getMetadata().getName()).get() == null) {
            slices().resource(endpoints).create();
        }
    }

    static void eventually(Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met in 20 s" + (last == null ? "" : "; last error: " + last), last);
    }
}
