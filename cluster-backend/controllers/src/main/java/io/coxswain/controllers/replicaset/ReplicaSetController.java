package io.coxswain.controllers.replicaset;

import io.coxswain.client.DaemonThreads;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.client.Controller;
import io.coxswain.controllers.machinery.ControllerRefs;
import io.coxswain.client.Informers;
import io.coxswain.controllers.machinery.Selectors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
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
 *
 * <p>The same reconcile runs ReplicationControllers, as pkg/controller/replication does: one instance per kind of owner,
 * which a {@link ReplicaOwnerKind} describes.
 *
 * @param <T> the owner's class
 */
public final class ReplicaSetController<T extends HasMetadata> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);

    /** BurstReplicas: at most this many creations or deletions per sync. */
    static final int BURST_REPLICAS = 500;

    private final KubernetesClient client;
    private final ReplicaOwnerKind<T> kind;
    private final SharedIndexInformer<T> owners;
    private final SharedIndexInformer<Pod> pods;
    private final Expectations expectations;
    private final Clock clock;
    private final Controller controller;
    private final ExecutorService writes;

    private ReplicaSetController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options,
                                 ReplicaOwnerKind<T> kind, Clock clock) {
        this.client = client;
        this.kind = kind;
        this.clock = clock;
        this.expectations = new Expectations(clock);
        this.writes = Executors.newCachedThreadPool(DaemonThreads.named(kind.controllerName() + "-writes"));
        this.owners = Informers.shared(informers, kind.type());
        this.pods = Informers.shared(informers, Pod.class);
        this.controller = new Controller(kind.controllerName(), options.workers(), this::sync);
        controller.watch(owners, new ResourceEventHandler<>() {
            @Override
            public void onAdd(T owner) {
                controller.enqueue(Controller.key(owner));
            }

            @Override
            public void onUpdate(T old, T owner) {
                controller.enqueue(Controller.key(owner));
            }

            @Override
            public void onDelete(T owner, boolean finalStateUnknown) {
                expectations.forget(Controller.key(owner));
                controller.enqueue(Controller.key(owner));
            }
        });
        controller.watch(pods, new PodEvents());
    }

    /** The ReplicaSet controller. */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return create(client, informers, options, ReplicaOwnerKind.REPLICA_SET);
    }

    /** The controller of this kind of owner: {@link ReplicaOwnerKind#REPLICATION_CONTROLLER} is the replication manager. */
    public static <T extends HasMetadata> Controller create(KubernetesClient client, SharedInformerFactory informers,
                                                            ControllerOptions options, ReplicaOwnerKind<T> kind) {
        return new ReplicaSetController<>(client, informers, options, kind, Clock.systemUTC()).controller;
    }

    // ---- pod events: observe expectations, then wake the owner (or, for an orphan, every owner that may adopt it) ----

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
                matchingOwners(pod).forEach(controller::enqueue);
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
                T o = Informers.get(owners, owner);
                int minReady = o == null ? 0 : kind.minReadySeconds(o);
                if (minReady > 0 && !Pods.ready(old) && Pods.ready(pod)) {
                    // it becomes available only later, with no event of its own
                    controller.enqueueAfter(owner, Duration.ofSeconds(minReady).plusSeconds(1));
                }
                return;
            }
            if (labelsChanged || oldOwner != null) {
                matchingOwners(pod).forEach(controller::enqueue);
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

    /** The key of the owner that controls the pod, if it is one of this kind the cache knows under that uid. */
    private String ownerKey(Pod pod) {
        String key = ControllerRefs.controllerKey(pod, kind.kind());
        if (key == null) {
            return null;
        }
        T owner = Informers.get(owners, key);
        return owner != null && ControllerRefs.controlledBy(pod, owner) ? key : null;
    }

    private List<String> matchingOwners(Pod pod) {
        List<String> keys = new ArrayList<>();
        for (T owner : Informers.inNamespace(owners, pod.getMetadata().getNamespace())) {
            LabelSelector selector = kind.selector(owner);
            if (!Selectors.isEmpty(selector) && Selectors.matches(selector, pod.getMetadata().getLabels())) {
                keys.add(Controller.key(owner));
            }
        }
        return keys;
    }

    // ---- sync ----

    private Duration sync(String key) throws Exception {
        T rs = Informers.get(owners, key);
        if (rs == null) {
            expectations.forget(key);
            return null;
        }
        boolean needsSync = expectations.satisfied(key);
        LabelSelector selector = kind.selector(rs);
        if (Selectors.isEmpty(selector)) {
            LOG.warn("{} {} has an empty selector; it selects no pods", kind.kind(), key);
            return null;
        }
        String ns = rs.getMetadata().getNamespace();
        List<Pod> active = Informers.inNamespace(pods, ns).stream().filter(Pods::active).toList();
        List<Pod> owned = ControllerRefs.claim(client, rs, labels -> Selectors.matches(selector, labels), active, Pod.class);

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
        T updated = updateStatus(rs, status);
        if (manageError != null) {
            throw manageError;
        }
        return nextAvailability(updated, owned, now);
    }

    /** Creates or deletes pods so that the owned active pods number spec.replicas. */
    private void manageReplicas(String key, T rs, List<Pod> owned) throws Exception {
        int diff = owned.size() - kind.replicas(rs);
        if (diff < 0) {
            int create = Math.min(-diff, BURST_REPLICAS);
            expectations.expectCreations(key, create);
            int done = slowStartBatch(create, () -> createPod(rs));
            int skipped = create - done;
            for (int i = 0; i < skipped; i++) {
                expectations.creationObserved(key);
            }
            if (done < create) {
                throw new IllegalStateException("created " + done + " of " + create + " pods for " + kind.kind() + " " + key);
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
                throw new IllegalStateException("deleting pods of " + kind.kind() + " " + key + ": " + String.join("; ", errors));
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

    private Void createPod(T rs) {
        Pod pod = podFromTemplate(kind.template(rs), rs);
        try {
            client.pods().inNamespace(rs.getMetadata().getNamespace()).resource(pod).create();
        } catch (KubernetesClientException e) {
            // a terminating namespace refuses new content; the owner goes with it
            if (e.getCode() == 403 && String.valueOf(e.getMessage()).contains("being terminated")) {
                return null;
            }
            throw e;
        }
        return null;
    }

    /** GetPodFromTemplate: the template's labels, annotations and spec; named after the owner; controlled by it. */
    static Pod podFromTemplate(PodTemplateSpec template, HasMetadata rs) {
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

    /** calculateStatus: counts of the owned active pods, and a ReplicaFailure condition while creating or deleting fails. */
    ReplicaSetStatus calculateStatus(T rs, List<Pod> owned, Exception manageError, Instant now) {
        PodTemplateSpec template = kind.template(rs);
        Map<String, String> templateLabels = template == null || template.getMetadata() == null
                || template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels();
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
                if (Pods.available(p, kind.minReadySeconds(rs), now)) {
                    available++;
                }
            }
        }
        ReplicaSetStatus current = kind.status(rs) == null ? new ReplicaSetStatus() : kind.status(rs);
        List<ReplicaSetCondition> conditions = new ArrayList<>(current.getConditions() == null ? List.of() : current.getConditions());
        ReplicaSetCondition failure = conditions.stream().filter(c -> "ReplicaFailure".equals(c.getType())).findFirst().orElse(null);
        if (manageError != null && failure == null) {
            boolean creating = owned.size() < kind.replicas(rs);
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

    private T updateStatus(T rs, ReplicaSetStatus status) {
        if (sameStatus(kind.status(rs), status)) {
            return rs;
        }
        String ns = rs.getMetadata().getNamespace();
        try {
            return client.resources(kind.type()).inNamespace(ns).resource(kind.withStatus(rs, status)).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // our cache is behind our own last write: updateReplicaSetStatus reads the latest once and retries
            T latest = client.resources(kind.type()).inNamespace(ns).withName(rs.getMetadata().getName()).get();
            if (latest == null || !Objects.equals(latest.getMetadata().getUid(), rs.getMetadata().getUid())) {
                return rs;
            }
            return client.resources(kind.type()).inNamespace(ns).resource(kind.withStatus(latest, status)).updateStatus();
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
    private Duration nextAvailability(T rs, List<Pod> owned, Instant now) {
        int minReady = kind.minReadySeconds(rs);
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
