package io.coxswain.controllers.gc;

import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.job.JobController;
import io.coxswain.client.Controller;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * kube-controller-manager's garbage collector for the resources this apiserver serves. It keeps, per kind, an index
 * of objects by the uids of their owners, and:
 * <ul>
 *   <li>deletes a dependent all of whose owners are gone (checked against the server by uid), in the background;
 *       owners that are gone are dropped from a dependent that still has a live one;</li>
 *   <li>Foreground: for an owner being deleted with the {@code foregroundDeletion} finalizer, deletes its dependents
 *       and removes the finalizer once no dependent with {@code blockOwnerDeletion} is left;</li>
 *   <li>Orphan: for an owner with the {@code orphan} finalizer, removes its ownerReference from every dependent, then
 *       the finalizer.</li>
 * </ul>
 * Keys are {@code Kind:namespace/name}.
 */
public final class GarbageCollector {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    public static final String FOREGROUND = "foregroundDeletion";
    public static final String ORPHAN = "orphan";
    private static final String BY_OWNER = "gc-owner-uid";
    private static final String BY_UID = "gc-uid";

    /** One watched kind: its informer and its API group/version. */
    private record Kind(String kind, String apiVersion, SharedIndexInformer<? extends HasMetadata> informer) {
    }

    private final KubernetesClient client;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Controller controller;

    public GarbageCollector(KubernetesClient client, SharedInformerFactory informers, int workers) {
        this.client = client;
        this.controller = new Controller("garbage-collector", workers, this::reconcile);
        track(informers, Pod.class, "Pod", "v1");
        track(informers, Endpoints.class, "Endpoints", "v1");
        track(informers, ReplicationController.class, "ReplicationController", "v1");
        track(informers, ReplicaSet.class, "ReplicaSet", "apps/v1");
        track(informers, Deployment.class, "Deployment", "apps/v1");
        track(informers, Job.class, "Job", "batch/v1");
        track(informers, CronJob.class, "CronJob", "batch/v1");
        track(informers, Lease.class, "Lease", "coordination.k8s.io/v1");
        // slices belong to their Service (or, mirrored, to their Endpoints); Services are tracked so owners resolve from the cache
        track(informers, Service.class, "Service", "v1");
        track(informers, EndpointSlice.class, "EndpointSlice", "discovery.k8s.io/v1");
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new GarbageCollector(client, informers, options.workers()).controller();
    }

    public Controller controller() {
        return controller;
    }

    private <T extends HasMetadata> void track(SharedInformerFactory informers, Class<T> type, String kind, String apiVersion) {
        SharedIndexInformer<T> informer = Informers.shared(informers, type);
        Map<String, Function<T, List<String>>> indexers = new LinkedHashMap<>();
        if (!informer.getIndexer().getIndexers().containsKey(BY_OWNER)) {
            indexers.put(BY_OWNER, o -> owners(o).stream().map(OwnerReference::getUid).toList());
            indexers.put(BY_UID, o -> List.of(o.getMetadata().getUid()));
            informer.addIndexers(indexers);
        }
        kinds.put(kind, new Kind(kind, apiVersion, informer));
        // an object's own key; after any change or deletion its dependents and owners may have work too
        controller.watch(informer, o -> {
            List<String> keys = new ArrayList<>();
            keys.add(kind + ":" + Controller.key(o));
            for (Kind k : kinds.values()) {
                for (HasMetadata d : k.informer().getIndexer().byIndex(BY_OWNER, o.getMetadata().getUid())) {
                    keys.add(k.kind() + ":" + Controller.key(d));
                }
                for (OwnerReference r : owners(o)) {
                    for (HasMetadata owner : k.informer().getIndexer().byIndex(BY_UID, r.getUid())) {
                        keys.add(k.kind() + ":" + Controller.key(owner));
                    }
                }
            }
            return keys;
        });
    }

    private static List<OwnerReference> owners(HasMetadata o) {
        return o.getMetadata().getOwnerReferences() == null ? List.of() : o.getMetadata().getOwnerReferences();
    }

    private static boolean hasFinalizer(HasMetadata o, String f) {
        return o.getMetadata().getFinalizers() != null && o.getMetadata().getFinalizers().contains(f);
    }

    Duration reconcile(String key) {
        int colon = key.indexOf(':');
        Kind kind = kinds.get(key.substring(0, colon));
        HasMetadata o = kind.informer().getStore().getByKey(key.substring(colon + 1));
        if (o == null) {
            return null;
        }
        boolean deleting = o.getMetadata().getDeletionTimestamp() != null;
        if (deleting && hasFinalizer(o, ORPHAN)) {
            return orphanDependents(kind, o);
        }
        if (deleting && hasFinalizer(o, FOREGROUND)) {
            return deleteDependentsFirst(kind, o);
        }
        if (!deleting && !owners(o).isEmpty()) {
            return attemptToDelete(kind, o);
        }
        return null;
    }

    private List<HasMetadata> dependents(HasMetadata owner) {
        List<HasMetadata> out = new ArrayList<>();
        for (Kind k : kinds.values()) {
            for (HasMetadata d : k.informer().getIndexer().byIndex(BY_OWNER, owner.getMetadata().getUid())) {
                if (Objects.equals(d.getMetadata().getNamespace(), owner.getMetadata().getNamespace())) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private Kind kindOf(HasMetadata o) {
        for (Kind k : kinds.values()) {
            if (k.informer().getApiTypeClass().isInstance(o)) {
                return k;
            }
        }
        throw new IllegalStateException("not a tracked kind: " + o.getClass());
    }

    /** Orphan: every dependent loses its reference to the owner, then the owner loses the finalizer. */
    private Duration orphanDependents(Kind kind, HasMetadata owner) {
        String uid = owner.getMetadata().getUid();
        for (HasMetadata d : dependents(owner)) {
            List<OwnerReference> remaining = owners(d).stream().filter(r -> !uid.equals(r.getUid())).toList();
            patchOwnerReferences(kindOf(d), d, remaining);
        }
        removeFinalizer(kind, owner, ORPHAN);
        return null;
    }

    /** Foreground: dependents are deleted; the owner goes once none that blocks it is left. */
    private Duration deleteDependentsFirst(Kind kind, HasMetadata owner) {
        boolean blocked = false;
        for (HasMetadata d : dependents(owner)) {
            boolean blocks = owners(d).stream().anyMatch(r -> owner.getMetadata().getUid().equals(r.getUid())
                    && Boolean.TRUE.equals(r.getBlockOwnerDeletion()));
            blocked |= blocks;
            if (d.getMetadata().getDeletionTimestamp() == null) {
                // kube deletes a dependent of a foreground owner in the foreground too when it has dependents itself
                delete(kindOf(d), d, dependents(d).isEmpty() ? DeletionPropagation.BACKGROUND : DeletionPropagation.FOREGROUND);
            }
        }
        if (blocked) {
            // the dependents' deletion events bring this key back; look again anyway in case one was missed
            return Duration.ofSeconds(5);
        }
        removeFinalizer(kind, owner, FOREGROUND);
        return null;
    }

    /** A dependent whose owners are all gone goes; owners that are gone or being deleted in the foreground are dropped. */
    private Duration attemptToDelete(Kind kind, HasMetadata d) {
        List<OwnerReference> solid = new ArrayList<>();
        List<OwnerReference> waiting = new ArrayList<>();
        int dangling = 0;
        for (OwnerReference r : owners(d)) {
            HasMetadata owner = lookUp(d.getMetadata().getNamespace(), r);
            if (owner == null) {
                dangling++;
            } else if (owner.getMetadata().getDeletionTimestamp() != null && hasFinalizer(owner, FOREGROUND)) {
                waiting.add(r);
            } else {
                solid.add(r);
            }
        }
        if (!solid.isEmpty()) {
            if (dangling > 0 || !waiting.isEmpty()) {
                patchOwnerReferences(kind, d, solid);
            }
            return null;
        }
        if (dangling == 0 && waiting.isEmpty()) {
            return null;
        }
        DeletionPropagation policy = hasFinalizer(d, ORPHAN) ? DeletionPropagation.ORPHAN
                : !waiting.isEmpty() && !dependents(d).isEmpty() ? DeletionPropagation.FOREGROUND : DeletionPropagation.BACKGROUND;
        LOG.info("garbage-collector: deleting {} {}/{} ({}), its owners are gone", kind.kind(), d.getMetadata().getNamespace(),
                d.getMetadata().getName(), policy);
        delete(kind, d, policy);
        return null;
    }

    /** The owner by uid: from the cache when it is there, else from the server (the cache may lag a new owner). */
    private HasMetadata lookUp(String namespace, OwnerReference r) {
        Kind k = kinds.get(r.getKind());
        if (k != null && Objects.equals(apiGroup(k.apiVersion()), apiGroup(r.getApiVersion()))) {
            for (HasMetadata o : k.informer().getIndexer().byIndex(BY_UID, r.getUid())) {
                return o;
            }
        }
        GenericKubernetesResource live;
        try {
            live = client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(namespace).withName(r.getName()).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
        return live != null && r.getUid().equals(live.getMetadata().getUid()) ? live : null;
    }

    private static String apiGroup(String apiVersion) {
        int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private void delete(Kind kind, HasMetadata o, DeletionPropagation policy) {
        try {
            client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace(o.getMetadata().getNamespace())
                    .withName(o.getMetadata().getName()).withPropagationPolicy(policy).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** A merge patch guarded by resourceVersion: a concurrent change makes it conflict and the key retry. */
    private void patchOwnerReferences(Kind kind, HasMetadata o, List<OwnerReference> remaining) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("resourceVersion", o.getMetadata().getResourceVersion());
        meta.put("ownerReferences", remaining);
        patch(kind, o, meta);
    }

    private void removeFinalizer(Kind kind, HasMetadata o, String finalizer) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("resourceVersion", o.getMetadata().getResourceVersion());
        List<String> left = o.getMetadata().getFinalizers().stream().filter(f -> !finalizer.equals(f)).toList();
        meta.put("finalizers", left);
        patch(kind, o, meta);
    }

    private void patch(Kind kind, HasMetadata o, Map<String, Object> meta) {
        String body = client.getKubernetesSerialization().asJson(Map.of("metadata", meta));
        try {
            client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace(o.getMetadata().getNamespace())
                    .withName(o.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), body);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
