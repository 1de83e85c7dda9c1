package io.coxswain.launcher;

import io.coxswain.proxy.KubeProxy;
import io.coxswain.proxy.ProxyOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.coxswain.launcher.logs.LogOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain proxy}: kube-proxy for this node, talking to an apiserver through a kubeconfig. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Program this node's iptables from the cluster's Services and Endpoints (needs root).")
final class ProxyCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @Mixin
    NodeAgentOptions node = new NodeAgentOptions();

    @Option(names = "--node-ip", split = ",", description = "addresses on which NodePorts answer (default: every local address)")
    List<String> nodeIps = List.of();

    @Option(names = "--cluster-cidr",
            description = "the pods' range across the cluster: pods' traffic to an externalTrafficPolicy: Local NodePort may go to any endpoint")
    String clusterCidr;

    @Mixin
    ProxyFlags flags = new ProxyFlags();

    @Option(names = "--cleanup", description = "remove the proxy's chains and route, then exit")
    boolean cleanup;

    @Override
    public Integer call() throws Exception {
        ProxyOptions options = options();
        if (cleanup) {
            KubeProxy.cleanup(options);
            return 0;
        }
        Config config = node.config();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        KubeProxy proxy = KubeProxy.start(client, options);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            client.close();
        }, "coxswain-proxy-shutdown"));
        LOG.info("proxy for node {} watching {}", options.nodeName(), config.getMasterUrl());
        new CountDownLatch(1).await();
        return 0;
    }

    ProxyOptions options() throws Exception {
        return flags.options(node.nodeName(), nodeIps, clusterCidr);
    }
}
