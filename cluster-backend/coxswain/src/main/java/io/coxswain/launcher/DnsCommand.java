package io.coxswain.launcher;

import io.coxswain.dns.ClusterDns;
import io.coxswain.dns.DnsOptions;
import io.coxswain.launcher.logs.LogOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain dns}: cluster DNS alone, on the kube-dns address of the service range or where --listen says. */
@Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Serve cluster DNS (Services, endpoints, SRV; other names forwarded upstream) from a kubeconfig's cluster.")
final class DnsCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DnsCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @Mixin
    NodeAgentOptions node = new NodeAgentOptions();

    @Option(names = "--service-cluster-ip-range", defaultValue = io.coxswain.proxy.ProxyOptions.DEFAULT_SERVICE_CIDR,
            description = "the Service range; the DNS address is its 10th (default ${DEFAULT-VALUE})")
    String serviceRange;

    @Option(names = "--listen", split = ",", description = "addresses to serve on (default: the kube-dns address of the service range)")
    List<String> listen;

    @Option(names = "--cluster-domain", defaultValue = "cluster.local", description = "the cluster's DNS domain (default ${DEFAULT-VALUE})")
    String clusterDomain;

    @Option(names = "--create-service", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "create kube-system/kube-dns on the DNS address when absent (default ${DEFAULT-VALUE})")
    boolean createService;

    @Mixin
    DnsFlags flags = new DnsFlags();

    @Option(names = "--cleanup", description = "remove the DNS address's raw-table rules, then exit")
    boolean cleanup;

    @Override
    public Integer call() throws Exception {
        String address = DnsOptions.clusterDnsAddress(serviceRange);
        List<String> addresses = listen == null || listen.isEmpty() ? List.of(address) : listen;
        DnsOptions options = flags.options(addresses, clusterDomain);
        if (cleanup) {
            ClusterDns.cleanup(options);
            return 0;
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(node.config()).build();
        if (createService) {
            ClusterDns.ensureService(client, address);
        }
        Vertx vertx = Vertx.vertx();
        ClusterDns dns;
        try {
            dns = ClusterDns.start(vertx, client, options);
        } catch (RuntimeException e) {
            System.err.println("coxswain dns: " + e.getMessage());
            client.close();
            vertx.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dns.close();
            client.close();
            vertx.close().await();
        }, "coxswain-dns-shutdown"));
        LOG.info("cluster DNS serving {} on {}", clusterDomain, addresses);
        new CountDownLatch(1).await();
        return 0;
    }
}
