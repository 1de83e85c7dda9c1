package io.coxswain.launcher;

import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.client.bootstrap.CaCertHash;
import io.coxswain.client.bootstrap.CertificateRotation;
import io.coxswain.client.bootstrap.ClusterInfoDiscovery;
import io.coxswain.client.bootstrap.JoinException;
import io.coxswain.client.bootstrap.NodeCertificateRequest;
import io.coxswain.client.bootstrap.NodeCredentials;
import io.coxswain.launcher.logs.LogOptions;
import io.coxswain.network.OverlayAgent;
import io.coxswain.proxy.ProxyOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code coxswain node}: a worker's one command, as {@code k3s agent} and {@code kubeadm join}. It checks that the server
 * is the cluster the join command names (kubeadm's token discovery), gets the node a client certificate of its own
 * through a CertificateSigningRequest (the kubelet's TLS bootstrap), renews it before it expires, and runs the kubelet,
 * kube-proxy and the overlay agent with it. Credentials from an earlier start are reused while valid.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Join this machine to a cluster and run what a worker needs: the kubelet on Docker, kube-proxy, the overlay agent and cluster DNS.")
final class NodeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @Option(names = "--server", required = true, description = "the cluster's apiserver, https://HOST:PORT")
    String server;

    @Option(names = "--token", description = "the join token, [a-z0-9]{6}.[a-z0-9]{16}, from `coxswain token create` (not needed while"
            + " the credentials of an earlier join are valid)")
    String token;

    @Option(names = "--discovery-token-ca-cert-hash", description = "sha256:<hex> pin of the cluster CA's public key, as"
            + " `coxswain token create` prints it")
    String caHash;

    @Option(names = "--discovery-token-unsafe-skip-ca-verification",
            description = "join without --discovery-token-ca-cert-hash, trusting the CA the server names (unsafe)")
    boolean unsafeSkipCaVerification;

    @Option(names = "--discovery-timeout", defaultValue = "5m0s", converter = GoDuration.class,
            description = "how long to retry reading a signed kube-public/cluster-info (default ${DEFAULT-VALUE})")
    Duration discoveryTimeout;

    @Option(names = "--tls-bootstrap-timeout", defaultValue = "10m0s", converter = GoDuration.class,
            description = "how long to wait for the node's CertificateSigningRequest to be approved and signed (default ${DEFAULT-VALUE})")
    Duration csrTimeout;

    @Option(names = "--data-dir", defaultValue = "${sys:user.home}/.coxswain/node",
            description = "the node's credentials (pki/, node.kubeconfig) and the kubelet's root dir (kubelet/) (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Mixin
    NodeOptions node = new NodeOptions();

    @Option(names = "--cluster-cidr", defaultValue = io.coxswain.controllers.ControllerOptions.DEFAULT_CLUSTER_CIDR,
            description = "the pods' range across the cluster, for kube-proxy and the overlay (default ${DEFAULT-VALUE})")
    String clusterCidr;

    @Mixin
    ProxyFlags proxyFlags = new ProxyFlags();

    @Mixin
    OverlayFlags overlayFlags = new OverlayFlags();

    @Mixin
    DnsFlags dnsFlags = new DnsFlags();

    @Option(names = "--disable-kube-proxy", description = "do not run kube-proxy here (as k3s's flag)")
    boolean disableProxy;

    @Option(names = "--disable-overlay", description = "do not run the overlay agent here (pods reach only this node's pods)")
    boolean disableOverlay;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (JoinException | IllegalArgumentException e) {
            LOG.error("join failed: {}", e.getMessage());
            System.err.println("coxswain node: " + e.getMessage());
            return 1;
        }
    }

    private int run() throws Exception {
        // every input is checked before anything is read from the server or written here
        BootstrapToken bootstrapToken = token == null ? null : BootstrapToken.parse(token);
        String pin = caHash == null ? null : CaCertHash.parse(caHash);
        if (pin == null && !unsafeSkipCaVerification) {
            throw new IllegalArgumentException("give --discovery-token-ca-cert-hash (the sha256 pin `coxswain token create` prints), or"
                    + " --discovery-token-unsafe-skip-ca-verification to trust whatever CA the server names");
        }
        URI uri = serverUri();
        String nodeName = node.nodeName();
        ProxyOptions proxyOptions = disableProxy ? null : proxyFlags.options(nodeName, List.of(), clusterCidr);
        OverlayAgent.Options overlayOptions = disableOverlay ? null : overlayFlags.options(nodeName, clusterCidr);
        node.serviceRange = proxyFlags.serviceRange;
        io.coxswain.dns.DnsOptions dnsOptions = dnsFlags.disabled ? null
                : dnsFlags.options(List.of(node.clusterDns().get(0)), node.clusterDomain);
        if (overlayOptions != null) {
            // the overlay masquerades what leaves the cluster CIDR: the bridge must not masquerade pod-to-pod traffic
            // to other nodes as well, and pods' packets must fit in the overlay's
            if (overlayOptions.clusterCidr() != null) {
                node.podMasquerade = false;
            }
            if (node.podMtu == 0) {
                node.podMtu = OverlayAgent.podMtu(overlayOptions);
            }
        }

        Optional<NodeCredentials> earlier = NodeCredentials.reusable(dataDir, nodeName);
        NodeCredentials credentials;
        if (earlier.isPresent()) {
            credentials = earlier.get();
            LOG.info("node {}: reusing the client certificate in {}, valid until {}", nodeName, NodeCredentials.certificateFile(dataDir),
                    credentials.certificate().getNotAfter().toInstant());
        } else {
            if (bootstrapToken == null) {
                throw new IllegalArgumentException("this node has no valid credentials in " + dataDir + ": give --token to join");
            }
            credentials = join(uri, bootstrapToken, pin, nodeName);
        }

        Vertx vertx = Vertx.vertx();
        NodeComponents components = new NodeComponents(vertx, node, dataDir.resolve("kubelet"), proxyOptions, overlayOptions, dnsOptions);
        components.start(credentials.clientConfig(server));
        CertificateRotation rotation = new CertificateRotation(credentials, server, nodeName, csrTimeout,
                renewed -> components.restart(renewed.clientConfig(server)));
        rotation.start();
        LOG.info("node {} joined {}", nodeName, server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rotation.close();
            components.close();
            vertx.close().await();
        }, "node-shutdown"));
        new CountDownLatch(1).await();
        return 0;
    }

    /** Discovery, then TLS bootstrap with the token; the files are written only once the certificate is issued. */
    private NodeCredentials join(URI uri, BootstrapToken bootstrapToken, String pin, String nodeName) throws Exception {
        ClusterInfoDiscovery.Discovered discovered = new ClusterInfoDiscovery(uri, bootstrapToken, pin, discoveryTimeout,
                Duration.ofSeconds(2)).discover();
        Config bootstrap = new ConfigBuilder(Config.empty()).withMasterUrl(server)
                .withCaCertData(Base64.getEncoder().encodeToString(discovered.caPem().getBytes(StandardCharsets.US_ASCII)))
                .withOauthToken(bootstrapToken.toString()).withRequestRetryBackoffLimit(0).withRequestTimeout(30_000).build();
        NodeCertificateRequest.Issued issued;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(bootstrap).build()) {
            issued = NodeCertificateRequest.request(client, server, nodeName, csrTimeout);
        }
        NodeCredentials written = NodeCredentials.write(dataDir, server, discovered.caPem(), issued.certificatePem(), issued.keyPem());
        LOG.info("node {}: client certificate {} from CertificateSigningRequest {} written to {}", nodeName,
                written.certificate().getSubjectX500Principal().getName(), issued.csrName(), NodeCredentials.kubeconfigFile(dataDir));
        return written;
    }

    private URI serverUri() {
        URI uri;
        try {
            uri = URI.create(server.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--server " + server + " is not a URL: give https://HOST:PORT");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--server " + server + " is not an https:// URL of an apiserver: give https://HOST:PORT");
        }
        server = "https://" + uri.getRawAuthority();
        return URI.create(server);
    }
}
