package io.coxswain.launcher;

import io.coxswain.launcher.logs.LogOptions;
import io.coxswain.network.OverlayAgent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain overlay}: this node's overlay agent (flannel's VXLAN backend, or host-gw), through a kubeconfig. */
@Command(name = "overlay", mixinStandardHelpOptions = true,
        description = "Keep this node's VXLAN device and its routes, neighbour and FDB entries to every other node's pod CIDR (needs root).")
final class OverlayCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(OverlayCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @Mixin
    NodeAgentOptions node = new NodeAgentOptions();

    @Mixin
    OverlayFlags flags = new OverlayFlags();

    @Option(names = "--cluster-cidr", defaultValue = io.coxswain.controllers.ControllerOptions.DEFAULT_CLUSTER_CIDR,
            description = "the pods' range across the cluster (default ${DEFAULT-VALUE})")
    String clusterCidr;

    @Override
    public Integer call() throws Exception {
        OverlayAgent.Options options;
        try {
            options = flags.options(node.nodeName(), clusterCidr);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
        Config config = node.config();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        OverlayAgent agent = new OverlayAgent(options, client);
        agent.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            client.close();
        }, "coxswain-overlay-shutdown"));
        LOG.info("overlay agent for node {} ({}) watching {}", options.nodeName(), options.mode().backendType, config.getMasterUrl());
        new CountDownLatch(1).await();
        return 0;
    }
}
