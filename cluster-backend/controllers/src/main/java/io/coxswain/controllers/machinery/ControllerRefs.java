package io.coxswain.controllers.machinery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * controller_ref_manager.go: which children a controller owns. A child that names the controller and still matches
 * its selector is kept; one that no longer matches is released; an orphan that matches is adopted. Adoption and
 * release patch the child's ownerReferences with its resourceVersion as a precondition, so a concurrent change
 * makes the sync fail and retry rather than clobber another owner's reference.
 */
public final class ControllerRefs {

    private ControllerRefs() {
    }

    /** The ownerReference with controller=true, or null. */
    public static OwnerReference controllerOf(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (refs == null) {
            return null;
        }
        return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
    }

    /** Whether {@code child}'s controller is {@code owner} (same uid). */
    public static boolean controlledBy(HasMetadata child, HasMetadata owner) {
        OwnerReference ref = controllerOf(child);
        return ref != null && ref.getUid().equals(owner.getMetadata().getUid());
    }

    /** The key ({@code namespace/name}) of the child's controller if it is of this kind, else null. */
    public static String controllerKey(HasMetadata child, String kind) {
        OwnerReference ref = controllerOf(child);
        if (ref == null || !kind.equals(ref.getKind())) {
            return null;
        }
        return child.getMetadata().getNamespace() + "/" + ref.getName();
    }

    /** metav1.NewControllerRef: controller and blockOwnerDeletion set. */
    public static OwnerReference newControllerRef(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    public static boolean beingDeleted(HasMetadata o) {
        return o.getMetadata().getDeletionTimestamp() != null;
    }

    /**
     * ClaimObjects: the candidates this owner controls after adopting and releasing.
     *
     * @param owner      the controller, as cached (its apiVersion and kind must be set)
     * @param selects    the owner's selector over a child's labels
     * @param candidates the children's namespace, as cached
     * @param type       the children's class, for the patches
     */
    public static <T extends HasMetadata> List<T> claim(KubernetesClient client, HasMetadata owner, Predicate<Map<String, String>> selects,
                                                        List<T> candidates, Class<T> type) {
        List<T> claimed = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (T child : candidates) {
            OwnerReference ref = controllerOf(child);
            boolean matches = selects.test(child.getMetadata().getLabels());
            if (ref != null) {
                if (!ref.getUid().equals(owner.getMetadata().getUid())) {
                    continue;
                }
                if (matches) {
                    claimed.add(child);
                } else if (!beingDeleted(owner)) {
                    patchOwners(client, type, child, errors, without(child, owner));
                }
                continue;
            }
            if (beingDeleted(owner) || !matches || beingDeleted(child)) {
                continue;
            }
            List<OwnerReference> owners = new ArrayList<>(without(child, owner));
            owners.add(newControllerRef(owner));
            if (patchOwners(client, type, child, errors, owners)) {
                claimed.add(child);
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("claiming children of " + owner.getKind() + " " + owner.getMetadata().getName()
                    + ": " + String.join("; ", errors));
        }
        return claimed;
    }

    private static List<OwnerReference> without(HasMetadata child, HasMetadata owner) {
        List<OwnerReference> refs = child.getMetadata().getOwnerReferences() == null ? List.of() : child.getMetadata().getOwnerReferences();
        return refs.stream().filter(r -> !r.getUid().equals(owner.getMetadata().getUid())).toList();
    }

    /** @return whether the patch applied; a child gone meanwhile is no error */
    private static <T extends HasMetadata> boolean patchOwners(KubernetesClient client, Class<T> type, T child, List<String> errors,
                                                               List<OwnerReference> owners) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("resourceVersion", child.getMetadata().getResourceVersion());
        meta.put("ownerReferences", owners);
        try {
            client.resources(type).inNamespace(child.getMetadata().getNamespace()).withName(child.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", meta)));
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                errors.add(child.getMetadata().getName() + ": " + e.getMessage());
            }
            return false;
        }
    }
}
