package io.coxswain.launcher;

import io.coxswain.client.LeaderElection;
import picocli.CommandLine.Option;

import java.time.Duration;

/** kube-controller-manager's and kube-scheduler's leader election timings, in seconds. */
final class LeaseTiming {

    @Option(names = "--leader-elect-lease-duration", defaultValue = "15", description = "seconds (default ${DEFAULT-VALUE})")
    int leaseSeconds;

    @Option(names = "--leader-elect-renew-deadline", defaultValue = "10", description = "seconds (default ${DEFAULT-VALUE})")
    int renewSeconds;

    @Option(names = "--leader-elect-retry-period", defaultValue = "2", description = "seconds (default ${DEFAULT-VALUE})")
    int retrySeconds;

    LeaderElection.Timing timing() {
        return new LeaderElection.Timing(Duration.ofSeconds(leaseSeconds), Duration.ofSeconds(renewSeconds), Duration.ofSeconds(retrySeconds));
    }
}
