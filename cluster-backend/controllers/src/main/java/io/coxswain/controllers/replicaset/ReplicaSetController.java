package io.coxswain.controllers.replicaset;

import io.coxswain.controllers.machinery.DaemonThreads;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.machinery.Controller;
import io.coxswain.controllers.machinery.ControllerRefs;
import io.coxswain.controllers.machinery.Informers;
import io.coxswain.controllers.machinery.Selectors;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pkg/controller/replicaset: keeps {@code spec.replicas} active pods for each ReplicaSet. It adopts matching orphans
 * and releases pods that stop matching, creates the missing pods in slow-start batches (1, 2, 4, … at most 500 per
 * sync), deletes the least mature surplus pods, and waits for its informer to see its own creations and deletions
 * (expectations) before it acts on the same ReplicaSet again. Status goes through the status subresource, only
 * when it changed.
 */
public final class ReplicaSetController {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);

    /** BurstReplicas: at most this many creations or deletions per sync. */
    static final int BURST_REPLICAS = 500;
    static final String KIND = "ReplicaSet";

    private final KubernetesClient client;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Pod> pods;
    private final Expectations expectations;
    private final Clock clock;
    private final Controller controller;
    private final ExecutorService writes = Executors.newCachedThreadPool(DaemonThreads.named("replicaset-writes"));

    private ReplicaSetController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.expectations = new Expectations(clock);
        this.replicaSets = Informers.shared(informers, ReplicaSet.class);
        this.pods = Informers.shared(informers, Pod.class);
        this.controller = new Controller("replicaset", options.workers(), this::sync);
        controller.watch(replicaSets, new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                controller.enqueue(Controller.key(rs));
            }

            @Override
            public void onUpdate(ReplicaSet old, ReplicaSet rs) {
                controller.enqueue(Controller.key(rs));
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean finalStateUnknown) {
                expectations.forget(Controller.key(rs));
                controller.enqueue(Controller.key(rs));
            }
        });
        controller.watch(pods, new PodEvents());
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new ReplicaSetController(client, informers, options, Clock.systemUTC()).controller;
    }

    // ---- pod events: observe expectations, then wake the owner (or, for an orphan, every ReplicaSet that may adopt it) ----

    private final class PodEvents implements ResourceEventHandler<Pod> {

        @Override
        public void onAdd(Pod pod) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                onDelete(pod, false);
                return;
            }
            String owner = ownerKey(pod);
            if (owner != null) {
                expectations.creationObserved(owner);
                controller.enqueue(owner);
            } else {
                matchingReplicaSets(pod).forEach(controller::enqueue);
            }
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
                return;
            }
            boolean labelsChanged = !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels());
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                onDelete(pod, false);
                if (labelsChanged) {
                    onDelete(old, false);
                }
                return;
            }
            String oldOwner = ownerKey(old);
            String owner = ownerKey(pod);
            if (oldOwner != null && !oldOwner.equals(owner)) {
                controller.enqueue(oldOwner);
            }
            if (owner != null) {
                controller.enqueue(owner);
                ReplicaSet rs = Informers.get(replicaSets, owner);
                int minReady = rs == null || rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
                if (minReady > 0 && !Pods.ready(old) && Pods.ready(pod)) {
                    // it becomes available only later, with no event of its own
                    controller.enqueueAfter(owner, Duration.ofSeconds(minReady).plusSeconds(1));
                }
                return;
            }
            if (labelsChanged || oldOwner != null) {
                matchingReplicaSets(pod).forEach(controller::enqueue);
            }
        }

        @Override
        public void onDelete(Pod pod, boolean finalStateUnknown) {
            String owner = ownerKey(pod);
            if (owner != null) {
                expectations.deletionObserved(owner, Controller.key(pod));
                controller.enqueue(owner);
            }
        }
    }

    /** The key of the ReplicaSet that controls the pod, if it is one the cache knows under that uid. */
    private String ownerKey(Pod pod) {
        String key = ControllerRefs.controllerKey(pod, KIND);
        if (key == null) {
            return null;
        }
        ReplicaSet rs = Informers.get(replicaSets, key);
        return rs != null && ControllerRefs.controlledBy(pod, rs) ? key : null;
    }

    private List<String> matchingReplicaSets(Pod pod) {
        List<String> keys = new ArrayList<>();
        for (ReplicaSet rs : Informers.inNamespace(replicaSets, pod.getMetadata().getNamespace())) {
            if (!Selectors.isEmpty(rs.getSpec().getSelector()) && Selectors.matches(rs.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                keys.add(Controller.key(rs));
            }
        }
        return keys;
    }

    // ---- sync ----

    private Duration sync(String key) throws Exception {
        ReplicaSet rs = Informers.get(replicaSets, key);
        if (rs == null) {
            expectations.forget(key);
            return null;
        }
        boolean needsSync = expectations.satisfied(key);
        if (Selectors.isEmpty(rs.getSpec().getSelector())) {
            LOG.warn("ReplicaSet {} has an empty selector; it selects no pods", key);
            return null;
        }
        String ns = rs.getMetadata().getNamespace();
        List<Pod> active = Informers.inNamespace(pods, ns).stream().filter(Pods::active).toList();
        List<Pod> owned = ControllerRefs.claim(client, rs, labels -> Selectors.matches(rs.getSpec().getSelector(), labels), active, Pod.class);

        Exception manageError = null;
        if (needsSync && !ControllerRefs.beingDeleted(rs)) {
            try {
                manageReplicas(key, rs, owned);
            } catch (Exception e) {
                manageError = e;
            }
        }
        Instant now = clock.instant();
        ReplicaSetStatus status = calculateStatus(rs, owned, manageError, now);
        ReplicaSet updated = updateStatus(rs, status);
        if (manageError != null) {
            throw manageError;
        }
        return nextAvailability(updated, owned, now);
    }

    /** Creates or deletes pods so that the owned active pods number spec.replicas. */
    private void manageReplicas(String key, ReplicaSet rs, List<Pod> owned) throws Exception {
        int diff = owned.size() - replicas(rs);
        if (diff < 0) {
            int create = Math.min(-diff, BURST_REPLICAS);
            expectations.expectCreations(key, create);
            int done = slowStartBatch(create, () -> createPod(rs));
            int skipped = create - done;
            for (int i = 0; i < skipped; i++) {
                expectations.creationObserved(key);
            }
            if (done < create) {
                throw new IllegalStateException("created " + done + " of " + create + " pods for ReplicaSet " + key);
            }
        } else if (diff > 0) {
            List<Pod> victims = ActivePods.toDelete(owned, owned, Math.min(diff, BURST_REPLICAS));
            Set<String> keys = new LinkedHashSet<>();
            victims.forEach(p -> keys.add(Controller.key(p)));
            expectations.expectDeletions(key, keys);
            List<CompletableFuture<String>> deletions = new ArrayList<>();
            for (Pod victim : victims) {
                deletions.add(CompletableFuture.supplyAsync(() -> deletePod(key, victim), writes));
            }
            List<String> errors = deletions.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
            if (!errors.isEmpty()) {
                throw new IllegalStateException("deleting pods of ReplicaSet " + key + ": " + String.join("; ", errors));
            }
        }
    }

    /**
     * slowStartBatch: calls {@code create} in batches of 1, 2, 4, … in parallel, stopping after the first batch with a
     * failure, so a quota or a broken template costs one call rather than hundreds.
     *
     * @return how many succeeded
     */
    int slowStartBatch(int count, java.util.concurrent.Callable<Void> create) {
        int remaining = count;
        int successes = 0;
        for (int batch = Math.min(remaining, 1); batch > 0; batch = Math.min(2 * batch, remaining)) {
            AtomicInteger failures = new AtomicInteger();
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                calls.add(CompletableFuture.runAsync(() -> {
                    try {
                        create.call();
                    } catch (Exception e) {
                        LOG.info("creating a pod failed: {}", e.toString());
                        failures.incrementAndGet();
                    }
                }, writes));
            }
            calls.forEach(CompletableFuture::join);
            successes += batch - failures.get();
            if (failures.get() > 0) {
                break;
            }
            remaining -= batch;
        }
        return successes;
    }

    private Void createPod(ReplicaSet rs) {
        Pod pod = podFromTemplate(rs.getSpec().getTemplate(), rs);
        try {
            client.pods().inNamespace(rs.getMetadata().getNamespace()).resource(pod).create();
        } catch (KubernetesClientException e) {
            // a terminating namespace refuses new content; the ReplicaSet goes with it
            if (e.getCode() == 403 && String.valueOf(e.getMessage()).contains("being terminated")) {
                return null;
            }
            throw e;
        }
        return null;
    }

    /** GetPodFromTemplate: the template's labels, annotations and spec; named after the ReplicaSet; controlled by it. */
    static Pod podFromTemplate(PodTemplateSpec template, ReplicaSet rs) {
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        return new PodBuilder()
                .withNewMetadata()
                .withGenerateName(rs.getMetadata().getName() + "-")
                .withNamespace(rs.getMetadata().getNamespace())
                .withLabels(tm.getLabels() == null ? null : new HashMap<>(tm.getLabels()))
                .withAnnotations(tm.getAnnotations() == null ? null : new HashMap<>(tm.getAnnotations()))
                .withFinalizers(tm.getFinalizers())
                .withOwnerReferences(ControllerRefs.newControllerRef(rs))
                .endMetadata()
                .withSpec(new PodBuilder().withSpec(template.getSpec()).build().getSpec())
                .build();
    }

    /** @return an error text, or null when the pod is gone (already or now) */
    private String deletePod(String key, Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
            return null;
        } catch (KubernetesClientException e) {
            // the deletion will never be observed
            expectations.deletionObserved(key, Controller.key(pod));
            return e.getCode() == 404 ? null : pod.getMetadata().getName() + ": " + e.getMessage();
        }
    }

    // ---- status ----

    static int replicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    }

    private static int minReadySeconds(ReplicaSet rs) {
        return rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
    }

    /** calculateStatus: counts of the owned active pods, and a ReplicaFailure condition while creating or deleting fails. */
    ReplicaSetStatus calculateStatus(ReplicaSet rs, List<Pod> owned, Exception manageError, Instant now) {
        Map<String, String> templateLabels = rs.getSpec().getTemplate() == null || rs.getSpec().getTemplate().getMetadata() == null
                || rs.getSpec().getTemplate().getMetadata().getLabels() == null ? Map.of() : rs.getSpec().getTemplate().getMetadata().getLabels();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod p : owned) {
            Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
            if (labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (Pods.ready(p)) {
                ready++;
                if (Pods.available(p, minReadySeconds(rs), now)) {
                    available++;
                }
            }
        }
        ReplicaSetStatus current = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
        List<ReplicaSetCondition> conditions = new ArrayList<>(current.getConditions() == null ? List.of() : current.getConditions());
        ReplicaSetCondition failure = conditions.stream().filter(c -> "ReplicaFailure".equals(c.getType())).findFirst().orElse(null);
        if (manageError != null && failure == null) {
            boolean creating = owned.size() < replicas(rs);
            conditions.add(new ReplicaSetConditionBuilder().withType("ReplicaFailure").withStatus("True")
                    .withReason(creating ? "FailedCreate" : "FailedDelete").withMessage(String.valueOf(manageError.getMessage()))
                    .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString()).build());
        } else if (manageError == null && failure != null) {
            conditions.remove(failure);
        }
        return new ReplicaSetStatusBuilder()
                .withReplicas(owned.size())
                .withFullyLabeledReplicas(fullyLabeled)
                .withReadyReplicas(ready)
                .withAvailableReplicas(available)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .withConditions(conditions.isEmpty() ? null : conditions)
                .build();
    }

    private ReplicaSet updateStatus(ReplicaSet rs, ReplicaSetStatus status) {
        if (sameStatus(rs.getStatus(), status)) {
            return rs;
        }
        ReplicaSet copy = new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder(rs).withStatus(status).build();
        try {
            return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(copy).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // our cache is behind our own last write: updateReplicaSetStatus reads the latest once and retries
            ReplicaSet latest = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).get();
            if (latest == null || !Objects.equals(latest.getMetadata().getUid(), rs.getMetadata().getUid())) {
                return rs;
            }
            latest.setStatus(status);
            return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(latest).updateStatus();
        }
    }

    private static boolean sameStatus(ReplicaSetStatus a, ReplicaSetStatus b) {
        if (a == null) {
            return false;
        }
        return n(a.getReplicas()) == n(b.getReplicas()) && n(a.getFullyLabeledReplicas()) == n(b.getFullyLabeledReplicas())
                && n(a.getReadyReplicas()) == n(b.getReadyReplicas()) && n(a.getAvailableReplicas()) == n(b.getAvailableReplicas())
                && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && Objects.equals(emptyToNull(a.getConditions()), emptyToNull(b.getConditions()));
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    private static <T> List<T> emptyToNull(List<T> l) {
        return l == null || l.isEmpty() ? null : l;
    }

    /** When a ready pod that is not yet available becomes available (minReadySeconds), or null. */
    private Duration nextAvailability(ReplicaSet rs, List<Pod> owned, Instant now) {
        int minReady = minReadySeconds(rs);
        if (minReady == 0) {
            return null;
        }
        Instant soonest = null;
        for (Pod p : owned) {
            Instant since = Pods.readySince(p);
            if (since != null && !Pods.available(p, minReady, now)) {
                Instant at = since.plusSeconds(minReady);
                soonest = soonest == null || at.isBefore(soonest) ? at : soonest;
            }
        }
        return soonest == null ? null : Duration.between(now, soonest).plusMillis(1100);
    }
}
