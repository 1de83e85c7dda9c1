package io.coxswain.controllers.machinery;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Leader election on a coordination Lease, with kube-controller-manager's timings by default (15 s lease, 10 s
 * renew deadline, 2 s retry): only the holder runs its controllers; one that loses the lease stops them.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    public record Timing(Duration lease, Duration renewDeadline, Duration retry) {
        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private final CompletableFuture<?> running;

    private LeaderElection(CompletableFuture<?> running) {
        this.running = running;
    }

    /**
     * Competes for {@code kube-system/<lease>} as {@code identity}; {@code lead} runs on winning and {@code stop} on
     * losing the lease.
     */
    public static LeaderElection start(KubernetesClient client, String lease, String identity, Timing timing,
                                       Runnable lead, Runnable stop) {
        CompletableFuture<?> running = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(lease)
                .withLock(new LeaseLock("kube-system", lease, identity))
                .withLeaseDuration(timing.lease())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retry())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            LOG.info("{} is the leader of {}", identity, lease);
                            lead.run();
                        },
                        () -> {
                            LOG.info("{} stopped leading {}", identity, lease);
                            stop.run();
                        },
                        leader -> LOG.info("the leader of {} is {}", lease, leader)))
                .build()).build().start();
        return new LeaderElection(running);
    }

    @Override
    public void close() {
        running.cancel(true);
    }
}
