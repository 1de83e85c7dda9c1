package io.coxswain.kubelet.hollow;

import io.coxswain.client.DaemonThreads;
import io.coxswain.kubelet.node.NodeAgent;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many simulated nodes in one process, for scale tests, like kubemark's hollow nodes but at KWOK's cost: each
 * node is a real Node with a Lease in kube-node-lease, kept by the kubelet's {@link NodeAgent}, and its pods go
 * through the kubelet's status transitions without containers. Nothing here is per node but the agent and a few
 * bytes: the Leases are renewed by one ticker and a bounded pool, spread evenly over the renew interval, and all
 * pods come through one shared informer ({@link HollowPods}).
 */
public final class HollowNodes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HollowNodes.class);
    private static final long TICK_MILLIS = 10;

    /** Counters since start. */
    public record Stats(int nodes, long leaseRenewals, long heartbeatFailures, long heartbeatsSkipped, long podStatusWrites,
                        long podDeletes, int podsTracked) {
    }

    private final HollowOptions options;
    private final NodeAgent[] agents;
    private final AtomicIntegerArray inFlight;
    private final HollowPods pods;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("hollow-ticker"));
    private final ExecutorService heartbeats;
    private final AtomicLong renewals = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean closed;
    private long tickStart;
    private long scheduled;

    private HollowNodes(KubernetesClient client, HollowOptions options) {
        this.options = options;
        this.agents = new NodeAgent[options.nodes()];
        this.inFlight = new AtomicIntegerArray(options.nodes());
        this.heartbeats = Executors.newFixedThreadPool(options.heartbeatThreads(), DaemonThreads.named("hollow-heartbeat"));
        Map<String, String> labels = new HashMap<>(options.labels());
        labels.put("type", "hollow");
        for (int i = 0; i < agents.length; i++) {
            agents[i] = new NodeAgent(client, new NodeAgent.NodeInfo(options.nodeName(i), nodeIp(i), options.cpuMillis(),
                    options.memoryBytes(), options.maxPods(), 10250, labels, "hollow://0.1.0", options.leaseDuration()));
        }
        this.pods = new HollowPods(client, options);
    }

    /**
     * Registers the nodes (Node, status and Lease, a bounded number at a time), then starts renewing their Leases
     * and running their pods. It returns when every node is registered, and throws if one could not be.
     */
    public static HollowNodes start(KubernetesClient client, HollowOptions options) {
        HollowNodes nodes = new HollowNodes(client, options);
        try {
            nodes.register();
            nodes.pods.start();
            nodes.tickStart = System.nanoTime();
            nodes.ticker.scheduleAtFixedRate(nodes::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
        LOG.info("{} hollow nodes {}-0..{} are running", options.nodes(), options.prefix(), options.nodes() - 1);
        return nodes;
    }

    private void register() {
        ExecutorService pool = Executors.newFixedThreadPool(options.registrationConcurrency(), DaemonThreads.named("hollow-register"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (NodeAgent agent : agents) {
                done.add(pool.submit(() -> withRetries(() -> {
                    agent.register();
                    agent.renewLease();
                })));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering hollow nodes", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void withRetries(Runnable call) {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Hands the nodes whose turn has come to the heartbeat pool: node i's turn is at i/N of each interval, so the
     * renewals are a steady stream. A node whose last heartbeat is still running skips this turn.
     */
    private void tick() {
        int n = agents.length;
        if (n == 0) {
            return;
        }
        long due = (long) ((double) (System.nanoTime() - tickStart) / options.leaseRenewInterval().toNanos() * n);
        if (due - scheduled > n) {
            skipped.addAndGet(due - scheduled - n);
            scheduled = due - n;
        }
        for (; scheduled < due; scheduled++) {
            int i = (int) (scheduled % n);
            if (!inFlight.compareAndSet(i, 0, 1)) {
                skipped.incrementAndGet();
                continue;
            }
            heartbeats.execute(() -> heartbeat(i));
        }
    }

    private void heartbeat(int i) {
        try {
            agents[i].renewLease();
            agents[i].reportStatus(true);
            renewals.incrementAndGet();
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            long failed = failures.incrementAndGet();
            if (failed == 1 || failed % 1000 == 0) {
                LOG.warn("heartbeat of hollow node {} failed ({} failures so far): {}", options.nodeName(i), failed, e.toString());
            }
        } finally {
            inFlight.set(i, 0);
        }
    }

    /** The InternalIP of node i: 172.16.0.1 onwards, one per node; nothing listens there. */
    static String nodeIp(int i) {
        int n = i + 1;
        return "172." + (16 + (n >> 16)) + "." + ((n >> 8) & 255) + "." + (n & 255);
    }

    public HollowOptions options() {
        return options;
    }

    public int size() {
        return agents.length;
    }

    public String nodeName(int index) {
        return options.nodeName(index);
    }

    public Stats stats() {
        return new Stats(agents.length, renewals.get(), failures.get(), skipped.get(), pods.statusWrites.get(),
                pods.deletes.get(), pods.tracked());
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        heartbeats.shutdownNow();
        pods.close();
    }
}
