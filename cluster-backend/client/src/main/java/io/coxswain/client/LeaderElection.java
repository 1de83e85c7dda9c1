package io.coxswain.client;

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

    private final java.util.function.Supplier<CompletableFuture<?>> elect;
    private final String description;
    private final Duration retry;
    private volatile CompletableFuture<?> running;
    private volatile boolean closed;

    private LeaderElection(java.util.function.Supplier<CompletableFuture<?>> elect, String description, Duration retry) {
        this.elect = elect;
        this.description = description;
        this.retry = retry;
    }

    /**
     * Competes for {@code kube-system/<lease>} as {@code identity}; {@code lead} runs on winning and {@code stop} on
     * losing the lease. One that lost the lease (a renew deadline missed) competes again, as a standby: kube's
     * components exit for their supervisor to start them again, and this keeps the process a candidate without one.
     */
    public static LeaderElection start(KubernetesClient client, String lease, String identity, Timing timing,
                                       Runnable lead, Runnable stop) {
        LeaderElection election = new LeaderElection(() -> client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
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
                .build()).build().start(), identity + " for " + lease, timing.retry());
        election.compete();
        return election;
    }

    private void compete() {
        CompletableFuture<?> round = elect.get();
        running = round;
        round.whenComplete((result, error) -> {
            if (!closed) {
                LOG.info("{} competes again", description);
                CompletableFuture.delayedExecutor(retry.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> {
                    if (!closed) {
                        compete();
                    }
                });
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        running.cancel(true);
    }
}
