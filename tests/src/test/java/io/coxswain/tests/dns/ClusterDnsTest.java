package io.coxswain.tests.dns;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.dns.ClusterDns;
import io.coxswain.dns.DnsOptions;
import io.coxswain.kubelet.PodDnsConfig;
import io.coxswain.proxy.KubeProxy;
import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster DNS as pods use it: a real Docker node whose kubelet writes each pod's resolv.conf, kube-proxy, the
 * Endpoints controller, and the DNS server on the kube-dns address (10.96.0.10:53, reached past kube-proxy's rules
 * through its NOTRACK rules). busybox pods look names up with nslookup and fetch by service name with wget; names
 * outside the cluster go to a dnsmasq the test starts on loopback. One cluster for the class.
 */
class ClusterDnsTest {

    static final String DNS_IP = DnsOptions.clusterDnsAddress("10.96.0.0/16");

    @TempDir
    static Path dir;
    static DockerNode node;
    static KubeProxy proxy;
    static ControllerManager controllers;
    static Dnsmasq upstream;
    static Vertx vertx;
    static ClusterDns dns;

    @BeforeAll
    static void start() throws Exception {
        node = DockerNode.start(dir, o -> o.withDns(PodDnsConfig.defaults().withClusterDns(List.of(DNS_IP))));
        proxy = node.startProxy("CXDNST");
        controllers = ControllerManager.start(node.client, ControllerOptions.defaults());
        int upstreamPort = io.coxswain.tests.cluster.LocalCoxswain.freePort();
        upstream = Dnsmasq.start(upstreamPort, List.of("--address=/outside.test/192.0.2.44"));
        vertx = Vertx.vertx();
        ClusterDns.ensureService(node.client, DNS_IP);
        dns = ClusterDns.start(vertx, node.client, DnsOptions.defaults(List.of(DNS_IP))
                .withUpstreams(List.of(new InetSocketAddress("127.0.0.1", upstreamPort))));
        node.apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: dns-other}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: web}}
                spec:
                  nodeName: NODE
                  containers:
                  - name: httpd
                    image: coxswain/busybox:1
                    command: [sh, -c, 'mkdir -p /www; echo hello-by-name > /www/index.html; exec httpd -f -p 8080 -h /www']
                    ports: [{name: http, containerPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: db}
                spec:
                  clusterIP: None
                  selector: {app: db}
                  ports: [{name: pg, port: 5432}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: db-0, labels: {app: db}}
                spec:
                  nodeName: NODE
                  hostname: db-0
                  subdomain: db
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: client}
                spec:
                  nodeName: NODE
                  hostAliases: [{ip: 192.0.2.9, hostnames: [alias-one.example, alias-two.example]}]
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: host-dns}
                spec:
                  nodeName: NODE
                  dnsPolicy: Default
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: own-dns}
                spec:
                  nodeName: NODE
                  dnsPolicy: None
                  dnsConfig:
                    nameservers: [192.0.2.1]
                    searches: [one.example, two.example]
                    options: [{name: ndots, value: '2'}, {name: edns0}]
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                """);
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: far, namespace: dns-other}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.close();
        }
        if (controllers != null) {
            controllers.close();
        }
        if (node != null) {
            node.client.pods().inNamespace("dns-other").withName("far").withGracePeriod(0).delete();
        }
        if (proxy != null) {
            proxy.cleanup();
        }
        if (node != null) {
            node.close();
        }
        assertThat(io.coxswain.client.host.HostCommand.run(List.of("iptables-save", "-t", "raw"), null).stdout())
                .as("the DNS server's raw rules are gone").doesNotContain("CXDNS-" + DNS_IP);
    }

    static String exec(String namespace, String pod, String... command) throws Exception {
        Pod p = node.client.pods().inNamespace(namespace).withName(pod)
                .waitUntilCondition(x -> x != null && DockerNode.running(x), 60, TimeUnit.SECONDS);
        String id = p.getStatus().getContainerStatuses().get(0).getContainerID().substring("docker://".length());
        String[] args = new String[command.length + 2];
        args[0] = "exec";
        args[1] = id;
        System.arraycopy(command, 0, args, 2, command.length);
        return DockerNode.docker(args);
    }

    /** nslookup, retried while the name is not known yet (the Endpoints controller and the informers take a moment). */
    static String lookUp(String namespace, String pod, String expected, String... nslookupArgs) throws Exception {
        String[] command = new String[nslookupArgs.length + 1];
        command[0] = "nslookup";
        System.arraycopy(nslookupArgs, 0, command, 1, nslookupArgs.length);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String out = "";
        while (System.nanoTime() < deadline) {
            out = exec(namespace, pod, command);
            if (out.contains(expected)) {
                return out;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("nslookup " + String.join(" ", nslookupArgs) + " in " + pod + " never showed " + expected + ":\n" + out);
    }

    @Test
    void servicesResolveByShortNameAcrossNamespacesAndFqdn() throws Exception {
        String clusterIp = node.client.services().inNamespace("default").withName("web").get().getSpec().getClusterIP();
        assertThat(lookUp("default", "client", clusterIp, "web")).contains("Server:").contains(DNS_IP);
        // busybox's nslookup walks the search list only for names without a dot; its wget (getaddrinfo) walks it for web.default
        lookUp("dns-other", "far", clusterIp, "web.default.svc.cluster.local");
        lookUp("dns-other", "far", clusterIp, "WEB.Default.SVC.cluster.local");
        assertThat(exec("dns-other", "far", "nslookup", "web")).as("not in far's own namespace").doesNotContain(clusterIp);
        // wget by the service's name, through the cluster IP that kube-proxy programs
        node.waitFor("web", Duration.ofSeconds(60), DockerNode::ready);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String page = "";
        while (System.nanoTime() < deadline && !page.contains("hello-by-name")) {
            page = exec("dns-other", "far", "timeout", "5", "wget", "-qO-", "http://web.default/");
            Thread.sleep(300);
        }
        assertThat(page).contains("hello-by-name");
    }

    @Test
    void headlessServicesGivePodsAndTheirHostnames() throws Exception {
        Pod db = node.waitFor("db-0", Duration.ofSeconds(60), DockerNode::ready);
        String ip = db.getStatus().getPodIP();
        lookUp("default", "client", ip, "db");
        lookUp("default", "client", ip, "db-0.db.default.svc.cluster.local");
        assertThat(lookUp("default", "client", "5432", "-type=srv", "_pg._tcp.db.default.svc.cluster.local"))
                .contains("db-0.db.default.svc.cluster.local");
        String hosts = exec("default", "db-0", "cat", "/etc/hosts");
        assertThat(hosts).contains(ip + "\tdb-0.db.default.svc.cluster.local\tdb-0");
        assertThat(exec("default", "db-0", "hostname")).isEqualTo("db-0");
    }

    @Test
    void otherNamesGoUpstreamAndUnknownOnesAreNxdomain() throws Exception {
        lookUp("default", "client", "192.0.2.44", "www.outside.test");
        assertThat(exec("default", "client", "nslookup", "nope.default.svc.cluster.local")).contains("NXDOMAIN");
    }

    @Test
    void resolvConfAndHostsFollowDnsPolicy() throws Exception {
        assertThat(exec("default", "client", "cat", "/etc/resolv.conf")).startsWith("nameserver " + DNS_IP + "\n"
                + "search default.svc.cluster.local svc.cluster.local cluster.local").contains("options ndots:5");
        assertThat(exec("dns-other", "far", "cat", "/etc/resolv.conf")).contains("search dns-other.svc.cluster.local svc.cluster.local");
        assertThat(exec("default", "client", "cat", "/etc/hosts")).contains("# Entries added by HostAliases.\n192.0.2.9\talias-one.example\talias-two.example");
        List<String> hostServers = Files.readAllLines(Path.of("/etc/resolv.conf")).stream().filter(l -> l.startsWith("nameserver")).toList();
        String hostDns = exec("default", "host-dns", "cat", "/etc/resolv.conf");
        assertThat(hostDns).doesNotContain(DNS_IP);
        hostServers.forEach(l -> assertThat(hostDns).contains(l));
        assertThat(exec("default", "own-dns", "cat", "/etc/resolv.conf")).isEqualTo("""
                nameserver 192.0.2.1
                search one.example two.example
                options ndots:2 edns0""");
    }
}
