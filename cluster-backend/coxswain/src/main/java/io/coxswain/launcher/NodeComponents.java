package io.coxswain.launcher;

import io.coxswain.kubelet.Kubelet;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.network.OverlayAgent;
import io.coxswain.proxy.KubeProxy;
import io.coxswain.proxy.ProxyOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * What runs on a joined worker: the kubelet on Docker, kube-proxy and the overlay agent (the last two optional), each
 * with a client of its own on the node's credentials. When the certificate is renewed they are stopped and started again
 * on clients built from the new files: the kubelet leaves its pods' containers running and adopts them again, the proxy
 * and the overlay leave their rules and devices in place and resync them.
 */
final class NodeComponents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeComponents.class);

    private final Vertx vertx;
    private final NodeOptions node;
    private final Path rootDir;
    private final ProxyOptions proxyOptions;
    private final OverlayAgent.Options overlayOptions;
    private final io.coxswain.dns.DnsOptions dnsOptions;

    private KubernetesClient kubeletClient;
    private ComponentMetrics metrics;
    private Kubelet kubelet;
    private KubernetesClient proxyClient;
    private KubeProxy proxy;
    private KubernetesClient overlayClient;
    private OverlayAgent overlay;
    private KubernetesClient dnsClient;
    private io.coxswain.dns.ClusterDns dns;

    /** {@code proxyOptions}, {@code overlayOptions} or {@code dnsOptions} null: that component does not run here. */
    NodeComponents(Vertx vertx, NodeOptions node, Path rootDir, ProxyOptions proxyOptions, OverlayAgent.Options overlayOptions,
                   io.coxswain.dns.DnsOptions dnsOptions) {
        this.vertx = vertx;
        this.node = node;
        this.rootDir = rootDir;
        this.proxyOptions = proxyOptions;
        this.overlayOptions = overlayOptions;
        this.dnsOptions = dnsOptions;
    }

    synchronized void start(Config credentials) {
        kubeletClient = NodeAgents.client(credentials, "kubelet");
        metrics = new ComponentMetrics();
        kubelet = NodeAgents.dockerKubelet(vertx, kubeletClient, node, rootDir,
                KubeletServing.forClient(kubeletClient.getConfiguration(), rootDir, node, null, null), metrics);
        if (proxyOptions != null) {
            proxyClient = NodeAgents.client(credentials, "kube-proxy");
            proxy = KubeProxy.start(proxyClient, proxyOptions);
        }
        if (overlayOptions != null) {
            overlayClient = NodeAgents.client(credentials, "overlay");
            overlay = new OverlayAgent(overlayOptions, overlayClient);
            overlay.start();
        }
        if (dnsOptions != null) {
            dnsClient = NodeAgents.client(credentials, "coredns");
            try {
                dns = io.coxswain.dns.ClusterDns.start(vertx, dnsClient, dnsOptions);
            } catch (RuntimeException e) {
                // the node's pods then resolve through another node's answer only if routed there: say so, run the rest
                LOG.warn("node {}: cluster DNS not started: {}", node.nodeName(), e.getMessage());
                dnsClient.close();
                dnsClient = null;
            }
        }
        LOG.info("node {}: kubelet{}{}{} running against {}", node.nodeName(), proxy != null ? ", kube-proxy" : "",
                overlay != null ? ", overlay agent" : "", dns != null ? ", cluster DNS" : "", credentials.getMasterUrl());
    }

    /** On renewed credentials: the same components on new clients, so new connections present the new certificate. */
    synchronized void restart(Config credentials) {
        LOG.info("node {}: restarting its components on the renewed client certificate", node.nodeName());
        close();
        start(credentials);
    }

    @Override
    public synchronized void close() {
        if (dns != null) {
            dns.close();
            dnsClient.close();
            dns = null;
        }
        if (overlay != null) {
            overlay.close();
            overlayClient.close();
            overlay = null;
        }
        if (proxy != null) {
            proxy.close();
            proxyClient.close();
            proxy = null;
        }
        if (kubelet != null) {
            kubelet.close();
            kubeletClient.close();
            metrics.close();
            kubelet = null;
        }
    }
}
