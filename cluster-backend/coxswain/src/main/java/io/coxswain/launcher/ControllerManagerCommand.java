package io.coxswain.launcher;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.machinery.LeaderElection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain controller-manager}: every controller, optionally only while holding the Lease. */
@Command(name = "controller-manager", mixinStandardHelpOptions = true, description = "Run the controllers.")
final class ControllerManagerCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--leader-elect", description = "run only while holding the kube-system/kube-controller-manager Lease")
    boolean leaderElect;

    @Option(names = "--leader-elect-lease-duration", defaultValue = "15", description = "seconds (default ${DEFAULT-VALUE})")
    int leaseSeconds;

    @Option(names = "--leader-elect-renew-deadline", defaultValue = "10", description = "seconds (default ${DEFAULT-VALUE})")
    int renewSeconds;

    @Option(names = "--leader-elect-retry-period", defaultValue = "2", description = "seconds (default ${DEFAULT-VALUE})")
    int retrySeconds;

    @Override
    public Integer call() throws Exception {
        var client = server.client("kube-controller-manager");
        ControllerManager manager;
        if (leaderElect) {
            String identity = InetAddress.getLocalHost().getHostName() + "_" + UUID.randomUUID();
            manager = ControllerManager.startWithLeaderElection(client, ControllerOptions.defaults(), identity,
                    new LeaderElection.Timing(java.time.Duration.ofSeconds(leaseSeconds), java.time.Duration.ofSeconds(renewSeconds),
                            java.time.Duration.ofSeconds(retrySeconds)));
            System.out.println("controller-manager " + identity + " is waiting for the lease");
        } else {
            manager = ControllerManager.start(client, ControllerOptions.defaults());
            System.out.println("controller-manager running against " + server.describe());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(manager::close, "controller-manager-shutdown"));
        new CountDownLatch(1).await();
        return 0;
    }
}
