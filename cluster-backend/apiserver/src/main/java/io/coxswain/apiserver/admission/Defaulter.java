package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.GroupVersionKind;

/**
 * Applies, in place, the defaults kube-apiserver 1.32 applies to an object on its way in: the scheme defaulters of
 * {@code pkg/apis/{core,apps,batch}/v1/defaults.go}, plus the parts of the registry strategies ({@code PrepareForCreate})
 * and of the service REST storage that change what {@code kubectl get -o yaml} shows.
 *
 * <p>Defaults never replace a value the user set, with Go's meaning of "set": a pointer field keeps an explicit
 * {@code 0}/{@code false}, while a plain string or int field treats {@code ""}/{@code 0} as unset (see {@link Nodes}).
 * The few create-time steps that deliberately overwrite (status reset, generation, the Namespace name label, the
 * Job's generated selector) are those kube-apiserver applies unconditionally.
 *
 * <p>The caller sets {@code metadata.uid} (and name) before calling on create: the Job selector is derived from it.
 * Not done here: admission plugins (ServiceAccount, Priority, DefaultTolerationSeconds, LimitRanger), cluster IP and
 * node port allocation, and update-time logic that needs the old object (generation bumps, status carry-over).
 */
public final class Defaulter {

    /** Whether the object is being created (strategy create-time steps run) or updated (scheme defaults only). */
    public enum Operation { CREATE, UPDATE }

    private Defaulter() {
    }

    /** Applies the defaults of a create. */
    public static void apply(GroupVersionKind gvk, ObjectNode object) {
        apply(gvk, object, Operation.CREATE);
    }

    /** Applies the defaults of {@code operation}; kinds without defaults are left untouched. */
    public static void apply(GroupVersionKind gvk, ObjectNode object, Operation operation) {
        if (!"v1".equals(gvk.version())) {
            return;
        }
        boolean create = operation == Operation.CREATE;
        switch (gvk.group() + "/" + gvk.kind()) {
            case "/Pod" -> PodDefaults.pod(object, create);
            case "/Service" -> ServiceDefaults.service(object, create);
            case "/Endpoints" -> ServiceDefaults.endpoints(object);
            case "discovery.k8s.io/EndpointSlice" -> ServiceDefaults.endpointSlice(object);
            case "/Namespace" -> CoreDefaults.namespace(object, create);
            case "/Node" -> CoreDefaults.node(object);
            case "/ReplicationController" -> WorkloadDefaults.replicationController(object, create);
            case "apps/ReplicaSet" -> WorkloadDefaults.replicaSet(object, create);
            case "apps/Deployment" -> WorkloadDefaults.deployment(object, create);
            case "batch/Job" -> BatchDefaults.job(object, create);
            case "batch/CronJob" -> BatchDefaults.cronJob(object, create);
            default -> {
                // ConfigMap, Event, Lease and unknown kinds: nothing to default.
            }
        }
    }
}
