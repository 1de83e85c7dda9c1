package io.coxswain.kubelet.hollow;

import io.coxswain.client.MergePatch;
import io.coxswain.kubelet.pods.PodWorkers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pods of all hollow nodes: one informer on every bound pod (the hollow nodes' pods are picked out by node
 * name), and a small pool of pod workers that write each pod's status as {@link HollowPodLifecycle} computes it
 * and delete pods that are being deleted at once. Each pod gets an IP from its node's range, free again when the
 * pod is gone. The informer keeps only the fields used here, not whole pods.
 */
final class HollowPods implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HollowPods.class);
    private static final String[] KEPT_FIELDS = {"metadata.uid", "metadata.deletionTimestamp", "metadata.annotations",
            "spec.nodeName", "spec.restartPolicy", "spec.containers", "spec.initContainers", "status.phase", "status.podIP",
            "status.startTime"};

    /** What a hollow node knows of one of its pods. */
    private static final class Record {
        final String uid;
        final int node;
        final int ip;
        final long seenAt;
        final long runningAt;
        String written;
        boolean deleteRequested;

        Record(String uid, int node, int ip, long seenAt, long runningAt) {
            this.uid = uid;
            this.node = node;
            this.ip = ip;
            this.seenAt = seenAt;
            this.runningAt = runningAt;
        }
    }

    private final KubernetesClient client;
    private final HollowOptions options;
    private final PodWorkers workers;
    private final Map<String, Record> records = new ConcurrentHashMap<>();
    /** When the informer first delivered a pod not yet synced: a pod that waited in the queue has started meanwhile. */
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final BitSet[] usedIps;
    final AtomicLong statusWrites = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    private SharedIndexInformer<Pod> informer;

    HollowPods(KubernetesClient client, HollowOptions options) {
        this.client = client;
        this.options = options;
        this.usedIps = new BitSet[options.nodes()];
        this.workers = new PodWorkers(options.podWorkers(), this::sync);
    }

    void start() {
        informer = client.pods().inAnyNamespace().withoutField("spec.nodeName", "").runnableInformer(0);
        informer.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
                client.getKubernetesSerialization(), KEPT_FIELDS));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (options.nodeIndex(pod.getSpec().getNodeName()) >= 0) {
                    firstSeen.putIfAbsent(key(pod), System.currentTimeMillis());
                    workers.enqueue(key(pod));
                }
            }

            /** The pod's own status writes come back here; only a deletion or a new pod needs a sync. */
            @Override
            public void onUpdate(Pod old, Pod pod) {
                if (options.nodeIndex(pod.getSpec().getNodeName()) < 0) {
                    return;
                }
                Record record = records.get(key(pod));
                if (record == null || pod.getMetadata().getDeletionTimestamp() != null
                        || !record.uid.equals(pod.getMetadata().getUid())) {
                    firstSeen.putIfAbsent(key(pod), System.currentTimeMillis());
                    workers.enqueue(key(pod));
                }
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                if (records.containsKey(key(pod)) || firstSeen.containsKey(key(pod))) {
                    workers.enqueue(key(pod));
                }
            }
        });
        informer.start().toCompletableFuture().join();
    }

    int tracked() {
        return records.size();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private void sync(String key) {
        Pod pod = informer.getStore().getByKey(key);
        int node = pod == null ? -1 : options.nodeIndex(pod.getSpec().getNodeName());
        Record record = records.get(key);
        if (record != null && (node < 0 || !record.uid.equals(pod.getMetadata().getUid()))) {
            forget(key, record);
            record = null;
        }
        if (node < 0) {
            firstSeen.remove(key);
            return;
        }
        long now = System.currentTimeMillis();
        if (record == null) {
            Long seen = firstSeen.remove(key);
            record = adopt(pod, node, seen == null ? now : Math.min(seen, now));
            records.put(key, record);
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (!record.deleteRequested) {
                delete(pod);
                record.deleteRequested = true;
            }
            return;
        }
        HollowPodLifecycle.Outcome outcome = HollowPodLifecycle.at(pod, now, record.seenAt, record.runningAt,
                HollowNodes.nodeIp(node), podIp(node, record.ip));
        if (!outcome.signature().equals(record.written)) {
            try {
                MergePatch.send(client, "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/"
                        + pod.getMetadata().getName() + "/status", Map.of("status", outcome.status()));
                statusWrites.incrementAndGet();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
            record.written = outcome.signature();
        }
        if (outcome.nextAt() >= 0) {
            workers.enqueueAfter(key, Duration.ofMillis(Math.max(0, outcome.nextAt() - now)));
        }
    }

    /** A pod first seen: one that already ran here (before a restart) keeps its IP and start time. */
    private Record adopt(Pod pod, int node, long seenAt) {
        long runningAt = seenAt + ThreadLocalRandom.current().nextLong(options.maxStartDelay().toMillis() + 1);
        var status = pod.getStatus();
        int ip = -1;
        if (status != null && status.getPodIP() != null && status.getPodIP().startsWith(podIpPrefix(node))) {
            ip = reserve(node, Integer.parseInt(status.getPodIP().substring(podIpPrefix(node).length())));
        }
        if (status != null && status.getStartTime() != null && !"Pending".equals(status.getPhase())) {
            seenAt = Instant.parse(status.getStartTime()).toEpochMilli();
            runningAt = seenAt;
        }
        return new Record(pod.getMetadata().getUid(), node, ip < 0 ? allocate(node) : ip, seenAt, runningAt);
    }

    private void delete(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
            deletes.incrementAndGet();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private void forget(String key, Record record) {
        records.remove(key, record);
        release(record.node, record.ip);
        workers.forget(key);
    }

    private static String podIpPrefix(int node) {
        return "10." + (128 + (node >> 8)) + "." + (node & 255) + ".";
    }

    static String podIp(int node, int ip) {
        return podIpPrefix(node) + ip;
    }

    /** The lowest free address 1-254 of the node; past 254 live pods addresses repeat. */
    private int allocate(int node) {
        BitSet used = ips(node);
        synchronized (used) {
            int ip = used.nextClearBit(1);
            if (ip > 254) {
                LOG.warn("hollow node {} has more than 254 pods; pod IPs repeat", options.nodeName(node));
                return 254;
            }
            used.set(ip);
            return ip;
        }
    }

    private int reserve(int node, int ip) {
        BitSet used = ips(node);
        synchronized (used) {
            if (ip < 1 || ip > 254 || used.get(ip)) {
                return -1;
            }
            used.set(ip);
            return ip;
        }
    }

    private void release(int node, int ip) {
        BitSet used = ips(node);
        synchronized (used) {
            used.clear(ip);
        }
    }

    private BitSet ips(int node) {
        synchronized (usedIps) {
            if (usedIps[node] == null) {
                usedIps[node] = new BitSet(256);
            }
            return usedIps[node];
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        workers.close();
    }
}
