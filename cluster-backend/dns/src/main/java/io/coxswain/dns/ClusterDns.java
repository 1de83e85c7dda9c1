package io.coxswain.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Cluster DNS on one node: the Service view from informers, the UDP/TCP listeners as a verticle, and, where asked,
 * the NOTRACK rules that let pods reach the listener on the kube-dns Service's cluster IP. {@link #start} returns once
 * the listeners are bound and the informers have listed; {@link #close} undeploys, stops watching and removes the rules.
 */
public final class ClusterDns implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDns.class);
    public static final String SERVICE_NAMESPACE = "kube-system";
    public static final String SERVICE_NAME = "kube-dns";

    private final Vertx vertx;
    private final DnsOptions options;
    private final InformerClusterState state;
    private String deployment;
    private boolean rulesInstalled;

    private ClusterDns(Vertx vertx, DnsOptions options, InformerClusterState state) {
        this.vertx = vertx;
        this.options = options;
        this.state = state;
    }

    /** Starts watching, binds the listeners and installs the NOTRACK rules; on failure undoes what it did and throws. */
    public static ClusterDns start(Vertx vertx, KubernetesClient client, DnsOptions options) {
        ClusterDns dns = new ClusterDns(vertx, options, new InformerClusterState(client));
        try {
            dns.state.start().get(60, TimeUnit.SECONDS);
            DnsHandler handler = new DnsHandler(new ClusterZone(options.clusterDomain(), dns.state, options.ttl().toSeconds()),
                    new Upstream(options.upstreams(), options.upstreamTimeout()));
            // bound first: a server that cannot have the address (another one holds it) leaves that one's rules alone
            dns.deployment = vertx.deployVerticle(new DnsServer(handler, options.listen(), options.port()))
                    .await(30, TimeUnit.SECONDS);
            if (options.notrackChain() != null) {
                NotrackRules.install(options.notrackChain(), options.listen(), options.port());
                dns.rulesInstalled = true;
            }
        } catch (Exception e) {
            dns.close();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cluster DNS did not start on " + options.listen() + " port " + options.port() + ": "
                    + cause.getMessage(), cause);
        }
        LOG.info("cluster DNS for {} on {} port {}, TTL {} s, upstream {}", options.clusterDomain(), options.listen(), options.port(),
                options.ttl().toSeconds(), options.upstreams().isEmpty() ? "none" : options.upstreams());
        return dns;
    }

    /**
     * Creates {@code kube-system/kube-dns} with this cluster IP unless it exists, so that no other Service takes the
     * address (kubeadm's CoreDNS addon makes the same Service). No selector: each node answers on the address itself.
     */
    public static void ensureService(KubernetesClient client, String clusterIp) {
        Service existing = client.services().inNamespace(SERVICE_NAMESPACE).withName(SERVICE_NAME).get();
        if (existing != null) {
            if (!clusterIp.equals(existing.getSpec().getClusterIP())) {
                LOG.warn("Service {}/{} has cluster IP {}, not {}: pods' resolv.conf names {}", SERVICE_NAMESPACE, SERVICE_NAME,
                        existing.getSpec().getClusterIP(), clusterIp, clusterIp);
            }
            return;
        }
        Service service = new ServiceBuilder().withNewMetadata().withNamespace(SERVICE_NAMESPACE).withName(SERVICE_NAME)
                .addToLabels("k8s-app", "kube-dns").addToLabels("kubernetes.io/name", "CoreDNS").endMetadata()
                .withNewSpec().withClusterIP(clusterIp)
                .addNewPort().withName("dns").withPort(53).withProtocol("UDP").withNewTargetPort(53).endPort()
                .addNewPort().withName("dns-tcp").withPort(53).withProtocol("TCP").withNewTargetPort(53).endPort()
                .endSpec().build();
        try {
            client.services().inNamespace(SERVICE_NAMESPACE).resource(service).create();
            LOG.info("created Service {}/{} with cluster IP {}", SERVICE_NAMESPACE, SERVICE_NAME, clusterIp);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Removes the NOTRACK rules of a server with these options that is not running (it was killed, say). */
    public static void cleanup(DnsOptions options) {
        if (options.notrackChain() != null) {
            NotrackRules.remove(options.notrackChain());
        }
    }

    public DnsOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (deployment != null) {
            try {
                vertx.undeploy(deployment).await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("cluster DNS listeners did not stop: {}", e.toString());
            }
            deployment = null;
        }
        state.close();
        if (rulesInstalled) {
            try {
                NotrackRules.remove(options.notrackChain());
            } catch (RuntimeException e) {
                LOG.warn("cluster DNS rules were not removed: {}", e.getMessage());
            }
            rulesInstalled = false;
        }
    }
}
