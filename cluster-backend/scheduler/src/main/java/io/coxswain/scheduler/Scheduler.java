package io.coxswain.scheduler;

import io.coxswain.scheduler.cache.NodeInfo;
import io.coxswain.scheduler.cache.PodInfo;
import io.coxswain.scheduler.cache.SchedulerCache;
import io.coxswain.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kube-scheduler: pods without a node, of one of its profiles, go through the queue one at a time; each is filtered
 * and scored against the cache's nodes, assumed on the best one at once, and bound asynchronously through
 * {@code pods/{name}/binding}. A pod that fits nowhere gets a FailedScheduling event and waits for a cluster change.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final KubernetesClient client;
    private final SchedulerOptions options;
    private final Map<String, Profile> profiles = new HashMap<>();
    private final SchedulerCache cache = new SchedulerCache();
    private final SchedulingQueue queue;
    private final Binder binder;
    private final AtomicLong scheduled = new AtomicLong();
    private final SchedulerMetrics metrics;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private Thread loop;
    private int nextStart;

    private Scheduler(KubernetesClient client, SchedulerOptions options, io.micrometer.core.instrument.MeterRegistry registry) {
        this.client = client;
        this.metrics = new SchedulerMetrics(registry);
        this.options = options;
        options.configuration().profiles().forEach(p -> profiles.put(p.schedulerName(), p));
        this.queue = new SchedulingQueue(options.initialBackoff(), options.maxBackoff());
        this.binder = new Binder(client, options.bindParallelism());
    }

    public static Scheduler start(KubernetesClient client, SchedulerOptions options) {
        return start(client, options, new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
    }

    /** As {@link #start(KubernetesClient, SchedulerOptions)}, reporting kube-scheduler's metrics into {@code registry}. */
    public static Scheduler start(KubernetesClient client, SchedulerOptions options, io.micrometer.core.instrument.MeterRegistry registry) {
        Scheduler s = new Scheduler(client, options, registry);
        s.run();
        return s;
    }

    /** Pods bound so far by this scheduler. */
    public long scheduled() {
        return scheduled.get();
    }

    private void run() {
        nodes = client.nodes().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                cache.upsertNode(node);
                queue.moveAllToActiveOrBackoff();
            }

            @Override
            public void onUpdate(Node old, Node node) {
                cache.upsertNode(node);
                queue.moveAllToActiveOrBackoff();
            }

            @Override
            public void onDelete(Node node, boolean unknown) {
                cache.removeNode(node.getMetadata().getName());
            }
        }, 0);
        pods = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                changed(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                changed(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                String key = key(pod);
                queue.remove(key);
                metrics.forget(key);
                if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
                    cache.removePod(pod);
                    queue.moveAllToActiveOrBackoff();
                }
            }
        }, 0);
        loop = new Thread(this::scheduleLoop, "scheduler");
        loop.setDaemon(true);
        loop.start();
        LOG.info("scheduler running with profiles {}", profiles.keySet());
    }

    private void changed(Pod pod) {
        String node = pod.getSpec().getNodeName();
        if (node != null && !node.isEmpty()) {
            queue.remove(key(pod));
            cache.upsertPod(pod);
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() == null && profiles.containsKey(schedulerName(pod))
                && !cache.isAssumedOrBound(key(pod))) {
            queue.add(key(pod));
        }
    }

    private void scheduleLoop() {
        while (true) {
            String key;
            try {
                key = queue.pop();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                scheduleOne(key);
            } catch (RuntimeException e) {
                LOG.warn("scheduling {} failed: {}", key, e.toString());
                queue.retry(key);
            }
        }
    }

    private void scheduleOne(String key) {
        Pod pod = pods.getIndexer().getByKey(key);
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null
                || pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty() || cache.isAssumedOrBound(key)) {
            return;
        }
        Profile profile = profiles.get(schedulerName(pod));
        String profileName = schedulerName(pod);
        long started = metrics.attemptStarted(key);
        try {
            scheduleOne(key, pod, profile, profileName, started);
        } catch (RuntimeException e) {
            metrics.attemptEnded(key, profileName, SchedulerMetrics.ERROR, started);
            throw e;
        }
    }

    private void scheduleOne(String key, Pod pod, Profile profile, String profileName, long started) {
        PodInfo info = PodInfo.of(pod);
        String chosen;
        Map<String, Integer> reasons = new TreeMap<>();
        int total;
        synchronized (cache.lock()) {
            List<NodeInfo> all = cache.nodes();
            total = all.size();
            chosen = choose(profile, info, all, reasons);
            if (chosen != null) {
                cache.assume(info, chosen);
            }
        }
        if (chosen == null) {
            metrics.attemptEnded(key, profileName, SchedulerMetrics.UNSCHEDULABLE, started);
            queue.unschedulable(key);
            binder.unschedulable(pod, failureMessage(total, reasons));
            return;
        }
        String node = chosen;
        binder.bind(pod, node).whenComplete((ok, error) -> {
            if (error != null) {
                cache.forget(info);
                metrics.attemptEnded(key, profileName, SchedulerMetrics.ERROR, started);
                LOG.info("binding {} to {} failed: {}", key, node, error.toString());
                queue.retry(key);
            } else {
                metrics.attemptEnded(key, profileName, SchedulerMetrics.SCHEDULED, started);
                scheduled.incrementAndGet();
            }
        });
    }

    /** Filters a share of the nodes (starting where the last pod stopped, for fairness), then scores the feasible ones. */
    private String choose(Profile profile, PodInfo pod, List<NodeInfo> all, Map<String, Integer> reasons) {
        int n = all.size();
        if (n == 0) {
            return null;
        }
        int wanted = feasibleToFind(n);
        NodeInfo[] feasible = new NodeInfo[Math.min(wanted, n)];
        int found = 0;
        int start = nextStart % n;
        int visited = 0;
        for (; visited < n && found < feasible.length; visited++) {
            NodeInfo node = all.get((start + visited) % n);
            String reason = null;
            for (var f : profile.filters()) {
                reason = f.filter(pod, node);
                if (reason != null) {
                    break;
                }
            }
            if (reason == null) {
                feasible[found++] = node;
            } else {
                reasons.merge(reason, 1, Integer::sum);
            }
        }
        nextStart = (start + visited) % n;
        if (found == 0) {
            return null;
        }
        if (found == 1 || profile.scores().isEmpty()) {
            return feasible[0].name();
        }
        long[] total = new long[found];
        long[] raw = new long[found];
        for (Profile.WeightedScore ws : profile.scores()) {
            for (int i = 0; i < found; i++) {
                raw[i] = ws.plugin().score(pod, feasible[i]);
            }
            ws.plugin().normalize(raw);
            for (int i = 0; i < found; i++) {
                total[i] += raw[i] * ws.weight();
            }
        }
        int best = 0;
        for (int i = 1; i < found; i++) {
            if (total[i] > total[best]) {
                best = i;
            }
        }
        return feasible[best].name();
    }

    private int feasibleToFind(int nodes) {
        int percentage = options.configuration().percentageOfNodesToScore();
        if (nodes < 100 || percentage >= 100) {
            return nodes;
        }
        if (percentage <= 0) {
            percentage = Math.max(5, 50 - nodes / 125);
        }
        return Math.max(100, nodes * percentage / 100);
    }

    /** kube-scheduler's wording: "0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu." */
    static String failureMessage(int total, Map<String, Integer> reasons) {
        if (total == 0) {
            return "no nodes available to schedule pods";
        }
        StringBuilder b = new StringBuilder("0/" + total + " nodes are available: ");
        boolean first = true;
        for (var e : reasons.entrySet()) {
            b.append(first ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
            first = false;
        }
        return b.append(". preemption: 0/").append(total).append(" nodes are available: ").append(total)
                .append(" Preemption is not helpful for scheduling.").toString();
    }

    private static String schedulerName(Pod pod) {
        String name = pod.getSpec().getSchedulerName();
        return name == null || name.isEmpty() ? "default-scheduler" : name;
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    @Override
    public void close() {
        queue.close();
        if (loop != null) {
            loop.interrupt();
        }
        if (pods != null) {
            pods.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        binder.close();
    }
}
