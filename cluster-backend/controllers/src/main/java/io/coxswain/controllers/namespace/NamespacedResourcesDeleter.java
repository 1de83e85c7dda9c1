package io.coxswain.controllers.namespace;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Empties a terminating namespace and finalizes it, as upstream's {@code deletion/namespaced_resources_deleter.go}:
 * every namespaced resource that discovery lists with {@code delete} is deleted (a collection delete where the
 * resource has one), what is left is counted, and the namespace's status conditions say what holds it. Once nothing
 * is left, the {@code kubernetes} finalizer goes through the {@code finalize} subresource.
 */
final class NamespacedResourcesDeleter {

    static final String FINALIZER = "kubernetes";
    private static final long MAX_RECHECK_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(NamespacedResourcesDeleter.class);

    private final KubernetesClient client;

    NamespacedResourcesDeleter(KubernetesClient client) {
        this.client = client;
    }

    /** @return when to look again while content remains, or null once the namespace is finalized */
    Duration delete(String name) {
        Namespace ns = client.namespaces().withName(name).get();
        if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) {
            return null;
        }
        if (!hasFinalizer(ns)) {
            // finalized already: deleting again lets the apiserver remove it once metadata.finalizers are gone too
            client.namespaces().withName(name).delete();
            return null;
        }
        Remaining remaining = new Remaining();
        List<String> discoveryErrors = new ArrayList<>();
        List<String> contentErrors = new ArrayList<>();
        for (Resource resource : namespacedResources(discoveryErrors)) {
            try {
                deleteAll(name, resource, remaining);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    contentErrors.add("Failed to delete all resource types, 1 remaining: " + resource.context().getPlural() + "."
                            + resource.context().getGroup() + ": " + e.getMessage());
                }
            }
        }
        setConditions(ns, discoveryErrors, contentErrors, remaining);
        if (!discoveryErrors.isEmpty() || !contentErrors.isEmpty()) {
            throw new IllegalStateException("namespace " + name + ": " + String.join("; ", discoveryErrors)
                    + String.join("; ", contentErrors));
        }
        if (!remaining.counts.isEmpty()) {
            // upstream: AddAfter(estimate/2 + 1), and its informer's 5-minute resync; here at most 5 s, since a pod's
            // grace period often ends early (its kubelet confirms) and nothing else wakes this key
            return Duration.ofSeconds(Math.min(remaining.estimateSeconds / 2 + 1, MAX_RECHECK_SECONDS));
        }
        finalizeNamespace(name);
        return null;
    }

    private static boolean hasFinalizer(Namespace ns) {
        return ns.getSpec() != null && ns.getSpec().getFinalizers() != null && ns.getSpec().getFinalizers().contains(FINALIZER);
    }

    /** The namespaced, deletable resources of every group's preferred version; a group that fails to answer is noted. */
    private List<Resource> namespacedResources(List<String> errors) {
        List<String> groupVersions = new ArrayList<>();
        groupVersions.add("v1");
        for (APIGroup g : client.getApiGroups().getGroups()) {
            groupVersions.add(g.getPreferredVersion().getGroupVersion());
        }
        List<Resource> out = new ArrayList<>();
        for (String gv : groupVersions) {
            try {
                for (APIResource r : client.getApiResources(gv).getResources()) {
                    if (Boolean.TRUE.equals(r.getNamespaced()) && !r.getName().contains("/") && r.getVerbs().contains("delete")
                            && r.getVerbs().contains("list")) {
                        int slash = gv.indexOf('/');
                        out.add(new Resource(new ResourceDefinitionContext.Builder()
                                .withGroup(slash < 0 ? "" : gv.substring(0, slash))
                                .withVersion(slash < 0 ? gv : gv.substring(slash + 1))
                                .withPlural(r.getName()).withKind(r.getKind()).withNamespaced(true)
                                .build(), r.getVerbs().contains("deletecollection")));
                    }
                }
            } catch (KubernetesClientException e) {
                errors.add("Discovery failed for some groups, 1 failing: " + gv + ": " + e.getMessage());
            }
        }
        return out;
    }

    private void deleteAll(String namespace, Resource resource, Remaining remaining) {
        var op = client.genericKubernetesResources(resource.context()).inNamespace(namespace);
        List<GenericKubernetesResource> items = op.list().getItems();
        if (items.isEmpty()) {
            return;
        }
        if (resource.deleteCollection()) {
            op.delete();
        } else {
            for (GenericKubernetesResource item : items) {
                op.withName(item.getMetadata().getName()).delete();
            }
        }
        List<GenericKubernetesResource> left = op.list().getItems();
        if (left.isEmpty()) {
            return;
        }
        String key = resource.context().getGroup().isEmpty() ? resource.context().getPlural()
                : resource.context().getPlural() + "." + resource.context().getGroup();
        remaining.counts.merge(key, left.size(), Integer::sum);
        Instant now = Instant.now();
        for (GenericKubernetesResource o : left) {
            for (String f : o.getMetadata().getFinalizers() == null ? List.<String>of() : o.getMetadata().getFinalizers()) {
                remaining.finalizers.merge(f, 1, Integer::sum);
            }
            // what the object waits out: its deletionTimestamp is when its grace period ends
            String at = o.getMetadata().getDeletionTimestamp();
            long seconds = at == null ? 0 : Math.max(0, Duration.between(now, Instant.parse(at)).toSeconds());
            remaining.estimateSeconds = Math.max(remaining.estimateSeconds, seconds);
        }
    }

    /** Upstream's five deletion conditions, each True with its reason while it holds, False otherwise. */
    private void setConditions(Namespace ns, List<String> discoveryErrors, List<String> contentErrors, Remaining remaining) {
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        List<NamespaceCondition> conditions = new ArrayList<>();
        conditions.add(condition("NamespaceDeletionDiscoveryFailure", discoveryErrors.isEmpty() ? null : "DiscoveryFailed",
                String.join(", ", discoveryErrors), "ResourcesDiscovered", "All resources successfully discovered", now));
        conditions.add(condition("NamespaceDeletionGroupVersionParsingFailure", null, "", "ParsedGroupVersions",
                "All legacy kube types successfully parsed", now));
        conditions.add(condition("NamespaceDeletionContentFailure", contentErrors.isEmpty() ? null : "ContentDeletionFailed",
                String.join(", ", contentErrors), "ContentDeleted", "All content successfully deleted, may be waiting on finalization", now));
        conditions.add(condition("NamespaceContentRemaining", remaining.counts.isEmpty() ? null : "SomeResourcesRemain",
                "Some resources are remaining: " + describe(remaining.counts, "has", "resource instances"),
                "ContentRemoved", "All content successfully removed", now));
        conditions.add(condition("NamespaceFinalizersRemaining", remaining.finalizers.isEmpty() ? null : "SomeFinalizersRemain",
                "Some content in the namespace has finalizers remaining: " + describe(remaining.finalizers, "in", "resource instances"),
                "ContentHasNoFinalizers", "All content-preserving finalizers finished", now));
        Map<String, NamespaceCondition> was = new TreeMap<>();
        if (ns.getStatus() != null && ns.getStatus().getConditions() != null) {
            ns.getStatus().getConditions().forEach(c -> was.put(c.getType(), c));
        }
        boolean changed = false;
        for (int i = 0; i < conditions.size(); i++) {
            NamespaceCondition c = conditions.get(i);
            NamespaceCondition old = was.get(c.getType());
            if (old != null && Objects.equals(old.getStatus(), c.getStatus()) && Objects.equals(old.getReason(), c.getReason())
                    && Objects.equals(old.getMessage(), c.getMessage())) {
                conditions.set(i, old);
            } else {
                changed = true;
            }
        }
        if (!changed) {
            return;
        }
        Namespace next = Serialization.clone(ns);
        if (next.getStatus() == null) {
            next.setStatus(new io.fabric8.kubernetes.api.model.NamespaceStatus());
        }
        next.getStatus().setConditions(conditions);
        try {
            client.namespaces().resource(next).updateStatus();
        } catch (KubernetesClientException e) {
            LOG.debug("namespace {}: status not updated ({}), next sync writes it", ns.getMetadata().getName(), e.getMessage());
        }
    }

    private static NamespaceCondition condition(String type, String trueReason, String trueMessage, String falseReason,
                                                String falseMessage, String now) {
        boolean holds = trueReason != null;
        return new NamespaceConditionBuilder().withType(type).withStatus(holds ? "True" : "False")
                .withReason(holds ? trueReason : falseReason).withMessage(holds ? trueMessage : falseMessage)
                .withLastTransitionTime(now).build();
    }

    private static String describe(Map<String, Integer> counts, String verb, String unit) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(counts).forEach((k, n) -> parts.add(k + " " + verb + " " + n + " " + unit));
        return String.join(", ", parts);
    }

    /** PUT namespaces/NAME/finalize without our finalizer; the apiserver removes the namespace when none is left. */
    private void finalizeNamespace(String name) {
        Namespace ns = client.namespaces().withName(name).get();
        if (ns == null || !hasFinalizer(ns)) {
            return;
        }
        Namespace next = Serialization.clone(ns);
        next.getSpec().setFinalizers(ns.getSpec().getFinalizers().stream().filter(f -> !f.equals(FINALIZER)).toList());
        client.raw(client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + name + "/finalize", "PUT", next);
        LOG.info("namespace {}: content removed, finalized", name);
    }

    /** A namespaced resource as discovery lists it, and whether it deletes a whole collection at once. */
    private record Resource(ResourceDefinitionContext context, boolean deleteCollection) {
    }

    /** What a pass left behind: counts by resource and by finalizer, and the longest grace period still running. */
    private static final class Remaining {
        final Map<String, Integer> counts = new TreeMap<>();
        final Map<String, Integer> finalizers = new TreeMap<>();
        long estimateSeconds;
    }
}
