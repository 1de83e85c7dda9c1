package io.coxswain.apiserver.registry;

import io.coxswain.schemas.GroupVersionKind;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaCatalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources this apiserver serves, built from the schema catalog (kinds, plurals, scope) and from what
 * only discovery needs (short names, categories, verbs, subresources), as kube-apiserver 1.32 lists them.
 */
public final class ResourceRegistry {

    private static final List<String> ALL_VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    private record Extra(List<String> shortNames, List<String> categories, List<String> verbs, Set<String> subresources,
                         Set<String> fieldSelectors) {
    }

    private static final Map<String, Extra> EXTRAS = Map.ofEntries(
            Map.entry("pods", new Extra(List.of("po"), List.of("all"), ALL_VERBS,
                    Set.of("status", "binding", "log", "eviction"),
                    Set.of("spec.nodeName", "status.phase", "spec.restartPolicy", "spec.schedulerName",
                            "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName", "spec.hostNetwork"))),
            Map.entry("services", new Extra(List.of("svc"), List.of("all"), ALL_VERBS, Set.of("status"), Set.of())),
            Map.entry("namespaces", new Extra(List.of("ns"), List.of(),
                    List.of("create", "delete", "get", "list", "patch", "update", "watch"), Set.of("status", "finalize"),
                    Set.of("status.phase"))),
            Map.entry("serviceaccounts", new Extra(List.of("sa"), List.of(), ALL_VERBS, Set.of("token"), Set.of())),
            Map.entry("configmaps", new Extra(List.of("cm"), List.of(), ALL_VERBS, Set.of(), Set.of())),
            Map.entry("secrets", new Extra(List.of(), List.of(), ALL_VERBS, Set.of(), Set.of("type"))),
            Map.entry("nodes", new Extra(List.of("no"), List.of(), ALL_VERBS, Set.of("status"), Set.of("spec.unschedulable"))),
            Map.entry("endpoints", new Extra(List.of("ep"), List.of(), ALL_VERBS, Set.of(), Set.of())),
            Map.entry("events", new Extra(List.of("ev"), List.of(), ALL_VERBS, Set.of(),
                    Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                            "reason", "reportingComponent", "source", "type"))),
            Map.entry("replicationcontrollers", new Extra(List.of("rc"), List.of("all"), ALL_VERBS, Set.of("status", "scale"),
                    Set.of("status.replicas"))),
            Map.entry("bindings", new Extra(List.of(), List.of(), List.of("create"), Set.of(), Set.of())),
            Map.entry("replicasets", new Extra(List.of("rs"), List.of("all"), ALL_VERBS, Set.of("status", "scale"),
                    Set.of("status.replicas"))),
            Map.entry("deployments", new Extra(List.of("deploy"), List.of("all"), ALL_VERBS, Set.of("status", "scale"), Set.of())),
            Map.entry("jobs", new Extra(List.of(), List.of("all"), ALL_VERBS, Set.of("status"), Set.of("status.successful"))),
            Map.entry("cronjobs", new Extra(List.of("cj"), List.of("all"), ALL_VERBS, Set.of("status"), Set.of())),
            Map.entry("leases", new Extra(List.of(), List.of(), ALL_VERBS, Set.of(), Set.of())),
            Map.entry("endpointslices", new Extra(List.of(), List.of(), ALL_VERBS, Set.of(), Set.of())),
            Map.entry("certificatesigningrequests", new Extra(List.of("csr"), List.of(), ALL_VERBS, Set.of("status", "approval"),
                    Set.of("spec.signerName"))),
            // answered, never stored (see rbac.Reviews)
            Map.entry("selfsubjectaccessreviews", new Extra(List.of(), List.of(), List.of("create"), Set.of(), Set.of())),
            Map.entry("selfsubjectrulesreviews", new Extra(List.of(), List.of(), List.of("create"), Set.of(), Set.of())),
            Map.entry("subjectaccessreviews", new Extra(List.of(), List.of(), List.of("create"), Set.of(), Set.of())),
            Map.entry("tokenreviews", new Extra(List.of(), List.of(), List.of("create"), Set.of(), Set.of())));

    /** The core resources whose registry sets ReturnDeletedObject (pods, services), and namespaces, whose delete answers with them. */
    private static final Set<String> RETURN_DELETED_OBJECT = Set.of("v1/pods", "v1/services", "v1/namespaces");

    private final Map<String, ResourceInfo> byGroupVersionAndPlural = new LinkedHashMap<>();
    private final Map<GroupVersionKind, ResourceInfo> byKind = new LinkedHashMap<>();
    private final Map<String, ResourceStrategy> strategies;

    /** The resources with no strategies: every kind gets only the generic verbs. */
    public ResourceRegistry(SchemaCatalog catalog) {
        this(catalog, Map.of());
    }

    /** @param strategies what each kind adds to the generic verbs, by {@code group/Kind} (any version) */
    public ResourceRegistry(SchemaCatalog catalog, Map<String, ResourceStrategy> strategies) {
        this.strategies = Map.copyOf(strategies);
        for (KindSchema schema : catalog.kindSchemas()) {
            Extra extra = EXTRAS.getOrDefault(schema.plural(), new Extra(List.of(), List.of(), ALL_VERBS, Set.of(), Set.of()));
            ResourceInfo info = new ResourceInfo(schema, schema.plural(), schema.gvk().kind().toLowerCase(), schema.namespaced(),
                    extra.shortNames(), extra.categories(), extra.verbs(), extra.subresources(), extra.fieldSelectors(),
                    RETURN_DELETED_OBJECT.contains(schema.gvk().apiVersion() + "/" + schema.plural()));
            byGroupVersionAndPlural.put(schema.gvk().apiVersion() + "/" + schema.plural(), info);
            byKind.put(schema.gvk(), info);
        }
    }

    public Optional<ResourceInfo> find(String apiVersion, String plural) {
        return Optional.ofNullable(byGroupVersionAndPlural.get(apiVersion + "/" + plural));
    }

    public Optional<ResourceInfo> byKind(GroupVersionKind gvk) {
        return Optional.ofNullable(byKind.get(gvk));
    }

    /** The kind's strategy: what it adds to the generic verbs. */
    public ResourceStrategy strategy(ResourceInfo r) {
        return strategies.getOrDefault(r.gvk().group() + "/" + r.kind(), ResourceStrategy.NONE);
    }

    public List<ResourceInfo> all() {
        return List.copyOf(byKind.values());
    }

    /** Group-versions in the order discovery lists them, the core group first. */
    public List<String> apiVersions() {
        List<String> out = new ArrayList<>();
        for (ResourceInfo r : byKind.values()) {
            if (!out.contains(r.gvk().apiVersion())) {
                out.add(r.gvk().apiVersion());
            }
        }
        return out;
    }

    public List<ResourceInfo> inGroupVersion(String apiVersion) {
        return byKind.values().stream().filter(r -> r.gvk().apiVersion().equals(apiVersion)).toList();
    }
}
