package io.coxswain.launcher;

import io.coxswain.client.LeaderElection;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.scheduler.Scheduler;
import io.coxswain.scheduler.SchedulerConfiguration;
import io.coxswain.scheduler.SchedulerOptions;
import io.coxswain.launcher.logs.LogOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** {@code coxswain scheduler}: kube-scheduler against an apiserver, optionally with leader election. */
@Command(name = "scheduler", mixinStandardHelpOptions = true, description = "Bind pending pods to nodes.")
final class SchedulerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @picocli.CommandLine.Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--config", description = "a KubeSchedulerConfiguration file (profiles, plugins, weights)")
    Path config;

    @Option(names = "--leader-elect", description = "run only while holding the kube-system/kube-scheduler Lease")
    boolean leaderElect;

    @Mixin
    LeaseTiming timing = new LeaseTiming();

    @Option(names = "--metrics-bind-address", defaultValue = "127.0.0.1:10259",
            description = "where /metrics is served: HTTPS with --tls-cert-file, else plain HTTP on loopback only; port 0 picks one, "
                    + "empty serves none (default ${DEFAULT-VALUE})")
    String metricsAddress;

    @Mixin
    ServingOptions serving = new ServingOptions();

    @Override
    public Integer call() throws Exception {
        var client = server.client("kube-scheduler");
        SchedulerOptions options = options(config);
        ComponentMetrics metrics = new ComponentMetrics();
        MetricsPort.serve(ComponentMetrics.instrumentedVertx(metrics.registry()), metrics, metricsAddress, "scheduler",
                serving.secure(client));
        if (!leaderElect) {
            Scheduler.start(client, options, metrics.registry());
        } else {
            String identity = InetAddress.getLocalHost().getHostName() + "_" + UUID.randomUUID();
            AtomicReference<Scheduler> running = new AtomicReference<>();
            LOG.info("scheduler {} is waiting for the lease", identity);
            LeaderElection.start(client, "kube-scheduler", identity, timing.timing(),
                    () -> running.set(Scheduler.start(client, options, metrics.registry())),
                    () -> {
                        Scheduler s = running.getAndSet(null);
                        if (s != null) {
                            s.close();
                        }
                    });
        }
        LOG.info("scheduler running against {}", server.describe());
        new CountDownLatch(1).await();
        return 0;
    }

    static SchedulerOptions options(Path config) throws java.io.IOException {
        SchedulerOptions options = SchedulerOptions.defaults();
        return config == null ? options : options.withConfiguration(SchedulerConfiguration.load(config));
    }
}
