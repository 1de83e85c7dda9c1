package io.coxswain.tests.cluster;

import io.coxswain.kubelet.Kubelet;
import io.coxswain.kubelet.KubeletOptions;
import io.coxswain.kubelet.docker.DockerRuntime;
import io.coxswain.kubelet.cni.CniNetwork;
import io.coxswain.kubelet.cni.CniOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real cluster with one real node: the apiserver on the embedded store (secured, as {@link TestCluster} is), and a
 * kubelet that serves HTTPS with a certificate from the cluster CA, running pods as containers
 * of the machine's Docker engine (which {@code ./coxswain test} starts). The node has a name of its own, so its
 * containers are told apart from any other kubelet's; the restart back-off is shortened so that tests see it grow.
 */
public final class DockerNode implements AutoCloseable {

    public final TestCluster cluster;
    public final KubernetesClient client;
    public final Kubectl kubectl;
    public final String nodeName = "kt-" + UUID.randomUUID().toString().substring(0, 8);
    /**
     * The kubelet's --pod-cidr, as no controller-manager runs here. Every such node of the machine has the same one,
     * so they share one bridge and draw from host-local's one record of used addresses, as pods of one host should.
     */
    public static final String POD_CIDR = "10.244.0.0/24";
    private final Path dir;
    private final Vertx vertx = Vertx.vertx();
    private KubeletOptions options;
    private Kubelet kubelet;
    /** The kubelet's serving certificate from the cluster CA: it speaks HTTPS and checks its callers, as in all-in-one. */
    private final io.vertx.core.net.PemKeyCertOptions serving;
    /** The kubelet's own client: the admin's, or the node's credential (system:node:NAME) when the Node authorizer is under test. */
    private final KubernetesClient kubeletClient;

    private DockerNode(TestCluster cluster, Path dir, boolean asNode) throws IOException {
        this.cluster = cluster;
        this.dir = dir;
        this.client = cluster.newClient();
        this.kubeletClient = !asNode ? client : new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(cluster.nodeKubeconfig(nodeName)))).build();
        this.kubectl = new Kubectl(cluster, Files.createDirectories(dir.resolve("kubectl")));
        this.options = KubeletOptions.defaults(nodeName, dir.resolve("kubelet")).withServerPort(0)
                .withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(16)).withStatusInterval(Duration.ofSeconds(2))
                .withPodCidr(POD_CIDR);
        io.coxswain.apiserver.auth.Pki.Issued issued = cluster.pki().issueServing(nodeName, List.of("localhost", "127.0.0.1", nodeName));
        this.serving = new io.vertx.core.net.PemKeyCertOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(issued.certificatePem()))
                .addKeyValue(io.vertx.core.buffer.Buffer.buffer(issued.keyPem()));
    }

    public static DockerNode start(Path dir) throws IOException {
        DockerNode node = new DockerNode(TestCluster.embedded(dir.resolve("cluster")), dir, false);
        node.startKubelet();
        return node;
    }

    /** As {@link #start(Path)}, with the kubelet authenticated as its node, as in all-in-one: the Node authorizer applies. */
    public static DockerNode startAsNode(Path dir) throws IOException {
        DockerNode node = new DockerNode(TestCluster.embedded(dir.resolve("cluster")), dir, true);
        node.startKubelet();
        return node;
    }

    public void startKubelet() {
        kubelet = Kubelet.start(vertx, kubeletClient, options, new DockerRuntime("unix:///var/run/docker.sock",
                new CniNetwork(CniOptions.defaults()), options.sandboxImage()), serving, cluster.pki().caPem());
    }

    public void stopKubelet() {
        if (kubelet != null) {
            kubelet.close();
            kubelet = null;
        }
    }

    /** kube-proxy for this node with its own iptables chain prefix, synced once; the caller runs its cleanup(). */
    public io.coxswain.proxy.KubeProxy startProxy(String chainPrefix) throws InterruptedException {
        io.coxswain.proxy.KubeProxy proxy = io.coxswain.proxy.KubeProxy.start(client, io.coxswain.proxy.ProxyOptions.defaults(nodeName)
                .withChainPrefix(chainPrefix).withNodeIps(List.of("127.0.0.1")).withSyncPeriod(Duration.ofSeconds(5), Duration.ofMillis(50)));
        if (!proxy.awaitSynced(Duration.ofSeconds(30))) {
            proxy.cleanup();
            throw new IllegalStateException("kube-proxy did not sync");
        }
        return proxy;
    }

    /** Creates a pod from YAML, bound to this node (the placeholder "nodeName: NODE" gets by the node's name). */
    public void apply(String yaml) throws IOException, InterruptedException {
        Kubectl.Result r = kubectl.run(yaml.replace("nodeName: NODE", "nodeName: " + nodeName), new String[]{"apply", "-f", "-"});
        if (r.exitCode() != 0) {
            throw new IllegalStateException("kubectl apply failed: " + r.stderr());
        }
    }

    /** Runs the real kubectl against the cluster. */
    public Kubectl.Result kubectl(String... args) throws IOException, InterruptedException {
        return kubectl.run(args);
    }

    /** Polls {@code kubectl logs} until the container's log shows {@code expected}; returns the log. */
    public String waitForLog(String pod, String container, String expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Kubectl.Result r = kubectl("logs", pod, "-c", container);
            last = r.stdout().strip();
            if (r.exitCode() == 0 && last.contains(expected)) {
                return last;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the log of " + pod + "/" + container + " never showed " + expected + "; last: " + last);
    }

    public Pod pod(String name) {
        return client.pods().inNamespace("default").withName(name).get();
    }

    public Pod waitFor(String name, Duration timeout, Predicate<Pod> condition) {
        return client.pods().inNamespace("default").withName(name)
                .waitUntilCondition(p -> p != null && condition.test(p), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static boolean running(Pod p) {
        return "Running".equals(p.getStatus().getPhase());
    }

    public static boolean ready(Pod p) {
        return p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The Docker CLI, for checking what the engine really holds. */
    public static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out.strip();
    }

    /** GET from the host, retried for 30 s while the connection fails (rules and pods take a moment). */
    public static String httpGetWithRetry(String url) throws IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                last = e;
                Thread.sleep(300);
            }
        }
        throw new AssertionError("no answer from " + url, last);
    }

    /** Container ids of this node's containers with these extra label filters. */
    public List<String> containers(String... labelFilters) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("ps", "-aq", "--filter", "label=io.coxswain.node=" + nodeName));
        for (String f : labelFilters) {
            args.add("--filter");
            args.add("label=" + f);
        }
        String out = docker(args.toArray(String[]::new));
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        client.pods().inAnyNamespace().list().getItems().forEach(p ->
                client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).withGracePeriod(0).delete());
        stopKubelet();
        List<String> left = containers();
        if (!left.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(left);
            docker(rm.toArray(String[]::new));
        }
        // a stopped kubelet leaves its pods' tmpfs volumes mounted, as kube's does; the test's directory must go
        io.coxswain.kubelet.volumes.Tmpfs.unmountUnder(dir);
        if (kubeletClient != client) {
            kubeletClient.close();
        }
        client.close();
        cluster.close();
        vertx.close().await();
    }
}
