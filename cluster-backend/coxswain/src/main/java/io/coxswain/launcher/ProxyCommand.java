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

import java.time.Duration;
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

    @Option(names = "--service-cluster-ip-range", defaultValue = ProxyOptions.DEFAULT_SERVICE_CIDR,
            description = "the Service range, routed to lo (default ${DEFAULT-VALUE})")
    String serviceRange;

    @Option(names = "--cluster-cidr",
            description = "the pods' range across the cluster: pods' traffic to an externalTrafficPolicy: Local NodePort may go to any endpoint")
    String clusterCidr;

    @Option(names = "--nodeport-range", defaultValue = "30000-32767", description = "NodePorts to program (default ${DEFAULT-VALUE})")
    String nodePortRange;

    @Option(names = "--sync-period-seconds", defaultValue = "30", description = "full resync period (default ${DEFAULT-VALUE})")
    long syncPeriodSeconds;

    @Option(names = "--chain-prefix", defaultValue = "KUBE", description = "prefix of the chains it owns (default ${DEFAULT-VALUE})")
    String chainPrefix;

    @Option(names = "--manage-local-route", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "add 'local <range> dev lo table local' when missing (default ${DEFAULT-VALUE})")
    boolean manageLocalRoute;

    @Option(names = "--localhost-nodeports", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "NodePorts also answer on 127.0.0.1 (sets route_localnet; default ${DEFAULT-VALUE})")
    boolean localhostNodePorts;

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
        String[] range = nodePortRange.split("-");
        return ProxyOptions.defaults(node.nodeName())
                .withNodeIps(nodeIps).withServiceCidr(serviceRange).withClusterCidr(clusterCidr)
                .withNodePortRange(Integer.parseInt(range[0].trim()), Integer.parseInt(range[1].trim()))
                .withSyncPeriod(Duration.ofSeconds(syncPeriodSeconds), Duration.ofMillis(100))
                .withChainPrefix(chainPrefix).withManageLocalRoute(manageLocalRoute).withLocalhostNodePorts(localhostNodePorts);
    }
}
