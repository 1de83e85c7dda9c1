package io.coxswain.launcher;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.launcher.logs.LogOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.coxswain.metrics.ComponentMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain controller-manager}: every controller, optionally only while holding the Lease. */
@Command(name = "controller-manager", mixinStandardHelpOptions = true, description = "Run the controllers.")
final class ControllerManagerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerManagerCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @picocli.CommandLine.Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--leader-elect", description = "run only while holding the kube-system/kube-controller-manager Lease")
    boolean leaderElect;

    @Mixin
    LeaseTiming timing = new LeaseTiming();

    @Option(names = "--metrics-bind-address", defaultValue = "127.0.0.1:10257",
            description = "where /metrics is served: HTTPS with --tls-cert-file, else plain HTTP on loopback only; port 0 picks one, "
                    + "empty serves none (default ${DEFAULT-VALUE})")
    String metricsAddress;

    @Mixin
    ServingOptions serving = new ServingOptions();

    @Mixin
    NodeCidrOptions nodeCidrs = new NodeCidrOptions();

    @Mixin
    EndpointSliceOptions endpointSlices = new EndpointSliceOptions();

    @Mixin
    ClusterSigningOptions signing = new ClusterSigningOptions();

    @Option(names = "--root-ca-file", paramLabel = "FILE",
            description = "PEM CA bundle published as kube-root-ca.crt in every namespace and put into service account token Secrets "
                    + "(default: the CA of this controller-manager's kubeconfig)")
    java.nio.file.Path rootCaFile;

    @Option(names = "--service-account-private-key-file", paramLabel = "FILE",
            description = "PEM RSA key that legacy service account token Secrets are signed with (the apiserver's "
                    + "--service-account-signing-key-file); without it their tokens are not filled in")
    java.nio.file.Path serviceAccountKeyFile;

    @Option(names = "--node-monitor-grace-period", defaultValue = "50", description = "seconds without a node's Lease before it is NotReady (default ${DEFAULT-VALUE})")
    int nodeMonitorGraceSeconds;

    @Option(names = "--pod-eviction-timeout", defaultValue = "300",
            description = "seconds a pod without a NoExecute toleration of its own stays on a NotReady or unreachable node before it is"
                    + " evicted (default ${DEFAULT-VALUE}; the apiserver gives pods 300 s tolerations, a pod's tolerationSeconds sets its own)")
    int podEvictionSeconds;

    @Override
    public Integer call() throws Exception {
        var client = server.client("kube-controller-manager");
        ControllerOptions options = signing.applyTo(ControllerOptions.defaults()
                .withNodeMonitorGrace(Duration.ofSeconds(nodeMonitorGraceSeconds)).withPodEvictionTimeout(Duration.ofSeconds(podEvictionSeconds)));
        options = endpointSlices.apply(nodeCidrs.apply(options)).withServiceAccountKey(serviceAccountKeyFile);
        if (rootCaFile != null) {
            options = options.withRootCa(java.nio.file.Files.readString(rootCaFile));
        }
        ComponentMetrics metrics = new ComponentMetrics();
        MetricsPort.serve(ComponentMetrics.instrumentedVertx(metrics.registry()), metrics, metricsAddress, "controller-manager",
                serving.secure(client));
        ControllerManager.reportTo(metrics.registry());
        ControllerManager manager;
        if (leaderElect) {
            String identity = InetAddress.getLocalHost().getHostName() + "_" + UUID.randomUUID();
            manager = ControllerManager.startWithLeaderElection(client, options, identity, timing.timing());
            LOG.info("controller-manager {} is waiting for the lease", identity);
        } else {
            manager = ControllerManager.start(client, options);
            LOG.info("controller-manager running against {}", server.describe());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(manager::close, "controller-manager-shutdown"));
        new CountDownLatch(1).await();
        return 0;
    }
}
