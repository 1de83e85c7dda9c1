package io.coxswain.controllers.deployment;

import io.coxswain.controllers.ControllerOptions;
import io.coxswain.client.Controller;
import io.coxswain.controllers.machinery.ControllerRefs;
import io.coxswain.client.Informers;
import io.coxswain.controllers.machinery.Selectors;
import io.coxswain.controllers.replicaset.Pods;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.coxswain.controllers.deployment.Rollouts.n;
import static io.coxswain.controllers.deployment.Rollouts.replicas;

/**
 * pkg/controller/deployment: rolls a Deployment's pod template out through ReplicaSets named
 * {@code <deployment>-<pod-template-hash>}. RollingUpdate grows the new ReplicaSet within maxSurge and shrinks the
 * old ones within maxUnavailable; Recreate scales the old ones to zero, waits for their pods to go, then creates
 * the new one. A paused Deployment only scales; a scaling event resizes the ReplicaSets in proportion. It records
 * revisions, keeps revisionHistoryLimit old ReplicaSets, and reports progress against progressDeadlineSeconds.
 */
public final class DeploymentController {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);
    static final String KIND = "Deployment";

    private final KubernetesClient client;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Pod> pods;
    private final Clock clock;
    private final Controller controller;

    private DeploymentController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.deployments = Informers.shared(informers, Deployment.class);
        this.replicaSets = Informers.shared(informers, ReplicaSet.class);
        this.pods = Informers.shared(informers, Pod.class);
        this.controller = new Controller("deployment", options.workers(), this::sync)
                .watch(deployments, d -> List.of(Controller.key(d)))
                .watch(replicaSets, this::deploymentsOf)
                .watch(pods, this::recreateDeploymentOf);
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new DeploymentController(client, informers, options, Clock.systemUTC()).controller;
    }

    // ---- event routing ----

    /** The Deployment controlling the ReplicaSet, or for an orphan every Deployment whose selector matches it. */
    private List<String> deploymentsOf(ReplicaSet rs) {
        String owner = ControllerRefs.controllerKey(rs, KIND);
        if (owner != null) {
            return List.of(owner);
        }
        if (ControllerRefs.controllerOf(rs) != null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (Deployment d : Informers.inNamespace(deployments, rs.getMetadata().getNamespace())) {
            LabelSelector selector = d.getSpec().getSelector();
            if (!Selectors.isEmpty(selector) && Selectors.matches(selector, rs.getMetadata().getLabels())) {
                keys.add(Controller.key(d));
            }
        }
        return keys;
    }

    /** A Recreate Deployment waits for its old pods to be gone, so their events concern it. */
    private List<String> recreateDeploymentOf(Pod pod) {
        String rsKey = ControllerRefs.controllerKey(pod, "ReplicaSet");
        ReplicaSet rs = rsKey == null ? null : Informers.get(replicaSets, rsKey);
        String dKey = rs == null ? null : ControllerRefs.controllerKey(rs, KIND);
        Deployment d = dKey == null ? null : Informers.get(deployments, dKey);
        if (d == null || Rollouts.rollingUpdate(d)) {
            return List.of();
        }
        return List.of(dKey);
    }

    // ---- sync ----

    private Duration sync(String key) {
        Deployment cached = Informers.get(deployments, key);
        if (cached == null) {
            return null;
        }
        Deployment d = new DeploymentBuilder(cached).build();
        if (d.getStatus() == null) {
            d.setStatus(new DeploymentStatus());
        }
        if (Selectors.isEmpty(d.getSpec().getSelector())) {
            LOG.warn("Deployment {} has an empty selector; it selects nothing", key);
            if (n(toInt(d.getStatus().getObservedGeneration())) < d.getMetadata().getGeneration()) {
                d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
                writeStatus(d);
            }
            return null;
        }
        List<ReplicaSet> rsList = ControllerRefs.claim(client, d,
                labels -> Selectors.matches(d.getSpec().getSelector(), labels),
                Informers.inNamespace(replicaSets, d.getMetadata().getNamespace()), ReplicaSet.class);
        rsList = new ArrayList<>(rsList.stream().map(rs -> new ReplicaSetBuilder(rs).build()).toList());

        if (ControllerRefs.beingDeleted(d)) {
            Revisions r = revisions(d, rsList, false);
            syncDeploymentStatus(r.all(), r.newRS, d);
            return null;
        }
        checkPausedConditions(d);
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            syncScale(d, rsList);
            return null;
        }
        if (scalingEvent(d, rsList)) {
            syncScale(d, rsList);
            return null;
        }
        return Rollouts.rollingUpdate(d) ? rolloutRolling(d, rsList) : rolloutRecreate(d, rsList);
    }

    private static Integer toInt(Long l) {
        return l == null ? null : l.intValue();
    }

    // ---- the new and the old ReplicaSets ----

    /** The ReplicaSet whose template is the Deployment's (null when there is none yet), and the others. */
    private final class Revisions {
        ReplicaSet newRS;
        final List<ReplicaSet> oldRSs;

        Revisions(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
            this.newRS = newRS;
            this.oldRSs = oldRSs;
        }

        List<ReplicaSet> all() {
            List<ReplicaSet> all = new ArrayList<>(oldRSs);
            if (newRS != null) {
                all.add(newRS);
            }
            return all;
        }
    }

    /** FindNewReplicaSet: the oldest ReplicaSet with the Deployment's template (there may be duplicates from a cache lag). */
    static ReplicaSet findNew(Deployment d, List<ReplicaSet> rsList) {
        return rsList.stream().sorted(Rollouts.BY_CREATION)
                .filter(rs -> PodTemplates.equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
                .findFirst().orElse(null);
    }

    /** getAllReplicaSetsAndSyncRevision: finds (and, when asked, creates) the new ReplicaSet and brings revisions up to date. */
    private Revisions revisions(Deployment d, List<ReplicaSet> rsList, boolean create) {
        ReplicaSet existing = findNew(d, rsList);
        List<ReplicaSet> old = new ArrayList<>(rsList.stream().filter(rs -> rs != existing).toList());
        return new Revisions(newReplicaSet(d, existing, old, create), old);
    }

    private ReplicaSet newReplicaSet(Deployment d, ReplicaSet existing, List<ReplicaSet> oldRSs, boolean create) {
        long newRevision = Rollouts.maxRevision(oldRSs) + 1;
        Instant now = clock.instant();
        if (existing != null) {
            ReplicaSet copy = new ReplicaSetBuilder(existing).build();
            boolean annotationsChanged = Rollouts.setNewReplicaSetAnnotations(d, copy, newRevision, true);
            boolean minReadyChanged = !Objects.equals(n(copy.getSpec().getMinReadySeconds()), n(d.getSpec().getMinReadySeconds()));
            if (annotationsChanged || minReadyChanged) {
                copy.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
                return updateReplicaSet(copy);
            }
            boolean revisionChanged = setDeploymentRevision(d, Rollouts.annotations(copy).get(Rollouts.REVISION));
            boolean statusChanged = false;
            if (Rollouts.hasProgressDeadline(d) && Rollouts.condition(d.getStatus(), "Progressing") == null) {
                Rollouts.setCondition(d.getStatus(), Rollouts.newCondition("Progressing", "True", Rollouts.FOUND_NEW_RS,
                        "Found new replica set \"" + copy.getMetadata().getName() + "\"", now));
                statusChanged = true;
            }
            persist(d, revisionChanged, statusChanged);
            return copy;
        }
        if (!create) {
            return null;
        }
        Integer collisionCount = d.getStatus().getCollisionCount();
        String hash = PodTemplates.hash(d.getSpec().getTemplate(), collisionCount);
        PodTemplateSpec template = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).build();
        Map<String, String> labels = new LinkedHashMap<>(template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of() : template.getMetadata().getLabels());
        labels.put(PodTemplates.HASH_LABEL, hash);
        template.getMetadata().setLabels(labels);
        LabelSelector selector = new LabelSelectorBuilder(d.getSpec().getSelector()).addToMatchLabels(PodTemplates.HASH_LABEL, hash).build();
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata().withName(d.getMetadata().getName() + "-" + hash).withNamespace(d.getMetadata().getNamespace())
                .withLabels(labels).withOwnerReferences(ControllerRefs.newControllerRef(d)).endMetadata()
                .withNewSpec().withReplicas(0).withMinReadySeconds(d.getSpec().getMinReadySeconds()).withSelector(selector)
                .withTemplate(template).endSpec()
                .build();
        List<ReplicaSet> all = new ArrayList<>(oldRSs);
        all.add(rs);
        rs.getSpec().setReplicas(Rollouts.newRSNewReplicas(d, all, rs));
        Rollouts.setNewReplicaSetAnnotations(d, rs, newRevision, false);
        ReplicaSet created;
        boolean alreadyExisted = false;
        try {
            created = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(rs).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                ReplicaSet found = Informers.get(replicaSets, Controller.key(rs));
                if (found == null) {
                    found = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).get();
                }
                if (found != null && ControllerRefs.controlledBy(found, d)
                        && PodTemplates.equalIgnoreHash(found.getSpec().getTemplate(), d.getSpec().getTemplate())) {
                    created = new ReplicaSetBuilder(found).build();
                    alreadyExisted = true;
                } else {
                    // a ReplicaSet of that name with another template: hash again with the next collision count
                    d.getStatus().setCollisionCount(collisionCount == null ? 1 : collisionCount + 1);
                    writeStatus(d);
                    throw new IllegalStateException("hash collision for ReplicaSet " + rs.getMetadata().getName()
                            + "; collisionCount is now " + d.getStatus().getCollisionCount(), e);
                }
            } else {
                if (Rollouts.hasProgressDeadline(d)) {
                    Rollouts.setCondition(d.getStatus(), Rollouts.newCondition("Progressing", "False", Rollouts.RS_CREATE_ERROR,
                            "Failed to create new replica set \"" + rs.getMetadata().getName() + "\": " + e.getMessage(), now));
                    writeStatus(d);
                }
                throw e;
            }
        }
        boolean revisionChanged = setDeploymentRevision(d, String.valueOf(newRevision));
        boolean statusChanged = false;
        if (!alreadyExisted && Rollouts.hasProgressDeadline(d)) {
            Rollouts.setCondition(d.getStatus(), Rollouts.newCondition("Progressing", "True", Rollouts.NEW_RS_CREATED,
                    "Created new replica set \"" + created.getMetadata().getName() + "\"", now));
            statusChanged = true;
        }
        persist(d, revisionChanged, statusChanged);
        return created;
    }

    /** SetDeploymentRevision on the working copy. @return whether it changed */
    private static boolean setDeploymentRevision(Deployment d, String revision) {
        if (revision == null) {
            return false;
        }
        Map<String, String> a = d.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(d.getMetadata().getAnnotations());
        if (revision.equals(a.get(Rollouts.REVISION))) {
            return false;
        }
        a.put(Rollouts.REVISION, revision);
        d.getMetadata().setAnnotations(a);
        return true;
    }

    // ---- writes ----

    /** Writes the revision annotation (a metadata patch; it does not change the generation) and/or the status. */
    private void persist(Deployment d, boolean annotations, boolean status) {
        if (annotations) {
            Map<String, Object> patch = Map.of("metadata", Map.of("annotations",
                    Map.of(Rollouts.REVISION, d.getMetadata().getAnnotations().get(Rollouts.REVISION))));
            Deployment patched = client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).withName(d.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
            d.getMetadata().setResourceVersion(patched.getMetadata().getResourceVersion());
        }
        if (status) {
            writeStatus(d);
        }
    }

    private void writeStatus(Deployment d) {
        Deployment written = client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
        d.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    }

    private ReplicaSet updateReplicaSet(ReplicaSet rs) {
        return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(rs).update();
    }

    /** scaleReplicaSet: sets spec.replicas and the replica annotations when either differs. @return the ReplicaSet as written */
    private ReplicaSet scale(ReplicaSet rs, int newScale, Deployment d) {
        boolean sizeChanged = replicas(rs) != newScale;
        boolean annotationsChanged = Rollouts.replicasAnnotationsNeedUpdate(rs, replicas(d), replicas(d) + Rollouts.maxSurge(d));
        if (!sizeChanged && !annotationsChanged) {
            return rs;
        }
        ReplicaSet copy = new ReplicaSetBuilder(rs).build();
        copy.getSpec().setReplicas(newScale);
        Rollouts.setReplicasAnnotations(copy, replicas(d), replicas(d) + Rollouts.maxSurge(d));
        ReplicaSet updated = updateReplicaSet(copy);
        if (sizeChanged) {
            LOG.info("Scaled {} replica set {} from {} to {}", replicas(rs) < newScale ? "up" : "down",
                    rs.getMetadata().getName(), replicas(rs), newScale);
        }
        return updated;
    }

    // ---- paused, scaling ----

    /** checkPausedConditions: Progressing becomes Unknown/DeploymentPaused while paused, DeploymentResumed after. */
    private void checkPausedConditions(Deployment d) {
        if (!Rollouts.hasProgressDeadline(d)) {
            return;
        }
        DeploymentCondition c = Rollouts.condition(d.getStatus(), "Progressing");
        if (c != null && Rollouts.TIMED_OUT.equals(c.getReason())) {
            return;
        }
        boolean pausedCondition = c != null && Rollouts.PAUSED.equals(c.getReason());
        boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
        if (paused && !pausedCondition) {
            Rollouts.setCondition(d.getStatus(), Rollouts.newCondition("Progressing", "Unknown", Rollouts.PAUSED, "Deployment is paused", clock.instant()));
        } else if (!paused && pausedCondition) {
            Rollouts.setCondition(d.getStatus(), Rollouts.newCondition("Progressing", "Unknown", Rollouts.RESUMED, "Deployment is resumed", clock.instant()));
        } else {
            return;
        }
        writeStatus(d);
    }

    /** isScalingEvent: an active ReplicaSet was sized for another replica count than the Deployment's. */
    private boolean scalingEvent(Deployment d, List<ReplicaSet> rsList) {
        Revisions r = revisions(d, rsList, false);
        for (ReplicaSet rs : Rollouts.active(r.all())) {
            Integer desired = Rollouts.desiredReplicas(rs);
            if (desired != null && desired != replicas(d)) {
                return true;
            }
        }
        return false;
    }

    /** sync: scale (paused or a scaling event), clean up while paused, and report status. */
    private void syncScale(Deployment d, List<ReplicaSet> rsList) {
        Revisions r = revisions(d, rsList, false);
        scaleAll(d, r);
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            cleanup(r.oldRSs, d);
        }
        syncDeploymentStatus(r.all(), r.newRS, d);
    }

    /** scale: the one active ReplicaSet takes the new size; otherwise sizes change in proportion, larger ReplicaSets first. */
    private void scaleAll(Deployment d, Revisions r) {
        ReplicaSet activeOrLatest = activeOrLatest(r.newRS, r.oldRSs);
        if (activeOrLatest != null) {
            if (replicas(activeOrLatest) != replicas(d)) {
                replace(r, activeOrLatest, scale(activeOrLatest, replicas(d), d));
            }
            return;
        }
        if (Rollouts.saturated(d, r.newRS)) {
            for (ReplicaSet old : Rollouts.active(r.oldRSs)) {
                replace(r, old, scale(old, 0, d));
            }
            return;
        }
        if (!Rollouts.rollingUpdate(d)) {
            return;
        }
        List<ReplicaSet> all = new ArrayList<>(Rollouts.active(r.all()));
        int allowed = replicas(d) > 0 ? replicas(d) + Rollouts.maxSurge(d) : 0;
        int toAdd = allowed - Rollouts.specReplicas(all);
        all.sort(toAdd > 0 ? Rollouts.BY_SIZE_NEWER : Rollouts.BY_SIZE_OLDER);
        Map<String, Integer> sizes = new HashMap<>();
        int added = 0;
        for (ReplicaSet rs : all) {
            int p = toAdd != 0 ? Rollouts.proportion(rs, d, toAdd, added) : 0;
            sizes.put(rs.getMetadata().getName(), replicas(rs) + p);
            added += p;
        }
        if (added != toAdd && !all.isEmpty()) {
            String first = all.get(0).getMetadata().getName();
            sizes.put(first, Math.max(0, sizes.get(first) + toAdd - added));
        }
        for (ReplicaSet rs : all) {
            replace(r, rs, scale(rs, sizes.get(rs.getMetadata().getName()), d));
        }
    }

    private static void replace(Revisions r, ReplicaSet was, ReplicaSet now) {
        if (r.newRS == was) {
            r.newRS = now;
        }
        int i = r.oldRSs.indexOf(was);
        if (i >= 0) {
            r.oldRSs.set(i, now);
        }
    }

    /** FindActiveOrLatest: the only ReplicaSet with replicas, or with none active the new or else the newest one. */
    static ReplicaSet activeOrLatest(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
        if (newRS == null && oldRSs.isEmpty()) {
            return null;
        }
        List<ReplicaSet> newestFirst = new ArrayList<>(oldRSs);
        newestFirst.sort(Rollouts.BY_CREATION.reversed());
        List<ReplicaSet> all = new ArrayList<>(newestFirst);
        if (newRS != null) {
            all.add(newRS);
        }
        List<ReplicaSet> active = Rollouts.active(all);
        if (active.isEmpty()) {
            return newRS != null ? newRS : newestFirst.get(0);
        }
        return active.size() == 1 ? active.get(0) : null;
    }

    // ---- RollingUpdate ----

    private Duration rolloutRolling(Deployment d, List<ReplicaSet> rsList) {
        Revisions r = revisions(d, rsList, true);
        if (reconcileNew(r, d)) {
            return syncRolloutStatus(r.all(), r.newRS, d);
        }
        if (reconcileOld(r, d)) {
            return syncRolloutStatus(r.all(), r.newRS, d);
        }
        if (Rollouts.complete(d, d.getStatus())) {
            cleanup(r.oldRSs, d);
        }
        return syncRolloutStatus(r.all(), r.newRS, d);
    }

    /** reconcileNewReplicaSet: grow the new ReplicaSet within maxSurge (or shrink it to the Deployment's size). */
    private boolean reconcileNew(Revisions r, Deployment d) {
        int have = replicas(r.newRS);
        if (have == replicas(d)) {
            return false;
        }
        int want = have > replicas(d) ? replicas(d) : Rollouts.newRSNewReplicas(d, r.all(), r.newRS);
        if (want == have) {
            return false;
        }
        r.newRS = scale(r.newRS, want, d);
        return true;
    }

    /** reconcileOldReplicaSets: shrink old ReplicaSets, unhealthy pods first, never below replicas - maxUnavailable available. */
    private boolean reconcileOld(Revisions r, Deployment d) {
        List<ReplicaSet> old = Rollouts.active(r.oldRSs);
        if (Rollouts.specReplicas(old) == 0) {
            return false;
        }
        int allPods = Rollouts.specReplicas(r.all());
        int minAvailable = replicas(d) - Rollouts.maxUnavailable(d);
        int newUnavailable = replicas(r.newRS) - Rollouts.availableReplicas(r.newRS == null ? List.of() : List.of(r.newRS));
        int maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return false;
        }
        int cleaned = cleanupUnhealthy(r, d, maxScaledDown);
        int scaledDown = scaleDownOld(r, d);
        return cleaned + scaledDown > 0;
    }

    /** cleanupUnhealthyReplicas: old ReplicaSets, oldest first, lose their unavailable pods first. */
    private int cleanupUnhealthy(Revisions r, Deployment d, int maxCleanup) {
        List<ReplicaSet> old = new ArrayList<>(r.oldRSs);
        old.sort(Rollouts.BY_CREATION);
        int total = 0;
        for (ReplicaSet rs : old) {
            if (total >= maxCleanup) {
                break;
            }
            int size = replicas(rs);
            int available = Rollouts.availableReplicas(List.of(rs));
            if (size == 0 || size == available) {
                continue;
            }
            int down = Math.min(maxCleanup - total, size - available);
            replace(r, rs, scale(rs, size - down, d));
            total += down;
        }
        return total;
    }

    /** scaleDownOldReplicaSetsForRollingUpdate: old ReplicaSets, oldest first, give up what is available above the minimum. */
    private int scaleDownOld(Revisions r, Deployment d) {
        int minAvailable = replicas(d) - Rollouts.maxUnavailable(d);
        int available = Rollouts.dependableAvailable(r.all());
        if (available <= minAvailable) {
            return 0;
        }
        List<ReplicaSet> old = new ArrayList<>(r.oldRSs);
        old.sort(Rollouts.BY_CREATION);
        int target = available - minAvailable;
        int total = 0;
        for (ReplicaSet rs : old) {
            if (total >= target) {
                break;
            }
            if (replicas(rs) == 0) {
                continue;
            }
            int down = Math.min(replicas(rs), target - total);
            replace(r, rs, scale(rs, replicas(rs) - down, d));
            total += down;
        }
        return total;
    }

    // ---- Recreate ----

    private Duration rolloutRecreate(Deployment d, List<ReplicaSet> rsList) {
        Revisions r = revisions(d, rsList, false);
        boolean scaledDown = false;
        for (ReplicaSet old : Rollouts.active(r.oldRSs)) {
            replace(r, old, scale(old, 0, d));
            scaledDown = true;
        }
        if (scaledDown || oldPodsRunning(r)) {
            return syncRolloutStatus(r.all(), r.newRS, d);
        }
        if (r.newRS == null) {
            r = revisions(d, rsList, true);
        }
        if (replicas(r.newRS) != replicas(d)) {
            r.newRS = scale(r.newRS, replicas(d), d);
        }
        if (Rollouts.complete(d, d.getStatus())) {
            cleanup(r.oldRSs, d);
        }
        return syncRolloutStatus(r.all(), r.newRS, d);
    }

    /** oldPodsRunning: old ReplicaSets still report pods, or the cache still holds a pod of theirs that has not finished. */
    private boolean oldPodsRunning(Revisions r) {
        if (Rollouts.actualReplicas(r.oldRSs) > 0) {
            return true;
        }
        for (ReplicaSet rs : r.oldRSs) {
            for (Pod p : Informers.inNamespace(pods, rs.getMetadata().getNamespace())) {
                OwnerReference ref = ControllerRefs.controllerOf(p);
                if (ref != null && ref.getUid().equals(rs.getMetadata().getUid())) {
                    String phase = Pods.phase(p);
                    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    // ---- history ----

    /** cleanupDeployment: delete the oldest revisions beyond revisionHistoryLimit, only those scaled to zero and settled. */
    private void cleanup(List<ReplicaSet> oldRSs, Deployment d) {
        Integer limit = d.getSpec().getRevisionHistoryLimit();
        if (limit == null) {
            return;
        }
        List<ReplicaSet> cleanable = new ArrayList<>(oldRSs.stream().filter(rs -> !ControllerRefs.beingDeleted(rs)).toList());
        int diff = cleanable.size() - limit;
        if (diff <= 0) {
            return;
        }
        cleanable.sort(Rollouts.BY_REVISION);
        for (int i = 0; i < diff; i++) {
            ReplicaSet rs = cleanable.get(i);
            long observed = rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null ? 0 : rs.getStatus().getObservedGeneration();
            if (n(rs.getStatus() == null ? null : rs.getStatus().getReplicas()) != 0 || replicas(rs) != 0
                    || rs.getMetadata().getGeneration() > observed) {
                continue;
            }
            try {
                client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    // ---- status ----

    /** calculateStatus: counts from the ReplicaSets, and the Available condition. */
    DeploymentStatus calculateStatus(List<ReplicaSet> all, ReplicaSet newRS, Deployment d) {
        int available = Rollouts.availableReplicas(all);
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(Rollouts.actualReplicas(all))
                .withUpdatedReplicas(Rollouts.actualReplicas(newRS == null ? List.of() : List.of(newRS)))
                .withReadyReplicas(Rollouts.readyReplicas(all))
                .withAvailableReplicas(available)
                .withUnavailableReplicas(Math.max(0, Rollouts.specReplicas(all) - available))
                .withCollisionCount(d.getStatus().getCollisionCount())
                .withConditions(d.getStatus().getConditions() == null ? new ArrayList<>()
                        : new ArrayList<>(d.getStatus().getConditions().stream().map(c -> new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder(c).build()).toList()))
                .build();
        if (available >= replicas(d) - Rollouts.maxUnavailable(d)) {
            Rollouts.setCondition(status, Rollouts.newCondition("Available", "True", Rollouts.MIN_AVAILABLE, "Deployment has minimum availability.", clock.instant()));
        } else {
            Rollouts.setCondition(status, Rollouts.newCondition("Available", "False", Rollouts.MIN_UNAVAILABLE, "Deployment does not have minimum availability.", clock.instant()));
        }
        return status;
    }

    private void syncDeploymentStatus(List<ReplicaSet> all, ReplicaSet newRS, Deployment d) {
        DeploymentStatus status = calculateStatus(all, newRS, d);
        if (sameStatus(d.getStatus(), status)) {
            return;
        }
        d.setStatus(status);
        writeStatus(d);
    }

    /** syncRolloutStatus: the counts plus Progressing (complete, progressing, timed out). @return when to look for a timeout */
    private Duration syncRolloutStatus(List<ReplicaSet> all, ReplicaSet newRS, Deployment d) {
        Instant now = clock.instant();
        DeploymentStatus status = calculateStatus(all, newRS, d);
        if (!Rollouts.hasProgressDeadline(d)) {
            Rollouts.removeCondition(status, "Progressing");
        }
        DeploymentCondition current = Rollouts.condition(d.getStatus(), "Progressing");
        boolean completeBefore = n(status.getReplicas()) == n(status.getUpdatedReplicas()) && current != null
                && Rollouts.NEW_RS_AVAILABLE.equals(current.getReason());
        String subject = newRS != null ? "ReplicaSet \"" + newRS.getMetadata().getName() + "\"" : "Deployment \"" + d.getMetadata().getName() + "\"";
        if (Rollouts.hasProgressDeadline(d) && !completeBefore) {
            if (Rollouts.complete(d, status)) {
                Rollouts.setCondition(status, Rollouts.newCondition("Progressing", "True", Rollouts.NEW_RS_AVAILABLE,
                        subject + " has successfully progressed.", now));
            } else if (Rollouts.progressing(d, status)) {
                DeploymentCondition c = Rollouts.newCondition("Progressing", "True", Rollouts.RS_UPDATED, subject + " is progressing.", now);
                if (current != null) {
                    if ("True".equals(current.getStatus())) {
                        c.setLastTransitionTime(current.getLastTransitionTime());
                    }
                    Rollouts.removeCondition(status, "Progressing");
                }
                Rollouts.setCondition(status, c);
            } else if (Rollouts.timedOut(d, status, now)) {
                Rollouts.setCondition(status, Rollouts.newCondition("Progressing", "False", Rollouts.TIMED_OUT,
                        subject + " has timed out progressing.", now));
            }
        }
        DeploymentCondition failure = all.stream().filter(Objects::nonNull)
                .flatMap(rs -> rs.getStatus() == null || rs.getStatus().getConditions() == null ? java.util.stream.Stream.empty() : rs.getStatus().getConditions().stream())
                .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())).findFirst()
                .map(c -> Rollouts.newCondition("ReplicaFailure", c.getStatus(), c.getReason(), c.getMessage(), now)).orElse(null);
        if (failure != null) {
            Rollouts.setCondition(status, failure);
        } else {
            Rollouts.removeCondition(status, "ReplicaFailure");
        }
        if (sameStatus(d.getStatus(), status)) {
            return stuckRequeue(d, status, now);
        }
        d.setStatus(status);
        writeStatus(d);
        return null;
    }

    /** requeueStuckDeployment: look again when the progress deadline passes, if nothing else wakes the Deployment first. */
    private Duration stuckRequeue(Deployment d, DeploymentStatus status, Instant now) {
        DeploymentCondition c = Rollouts.condition(d.getStatus(), "Progressing");
        if (!Rollouts.hasProgressDeadline(d) || c == null || Rollouts.complete(d, status) || Rollouts.TIMED_OUT.equals(c.getReason())
                || "Unknown".equals(c.getStatus())) {
            return null;
        }
        Duration after = Duration.between(now, Rollouts.deadline(d, c));
        return after.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : after.plusSeconds(1);
    }

    private static boolean sameStatus(DeploymentStatus a, DeploymentStatus b) {
        return Objects.equals(Serialization.jsonMapper().valueToTree(normalize(a)), Serialization.jsonMapper().valueToTree(normalize(b)));
    }

    private static DeploymentStatus normalize(DeploymentStatus s) {
        DeploymentStatus c = new DeploymentStatusBuilder(s == null ? new DeploymentStatus() : s).build();
        c.setReplicas(n(c.getReplicas()));
        c.setUpdatedReplicas(n(c.getUpdatedReplicas()));
        c.setReadyReplicas(n(c.getReadyReplicas()));
        c.setAvailableReplicas(n(c.getAvailableReplicas()));
        c.setUnavailableReplicas(n(c.getUnavailableReplicas()));
        if (c.getConditions() != null && c.getConditions().isEmpty()) {
            c.setConditions(null);
        }
        return c;
    }
}
