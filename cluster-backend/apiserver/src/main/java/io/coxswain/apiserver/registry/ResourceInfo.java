package io.coxswain.apiserver.registry;

import io.coxswain.schemas.GroupVersionKind;
import io.coxswain.schemas.KindSchema;

import java.util.List;
import java.util.Set;

/**
 * One REST resource as discovery and the handlers see it.
 *
 * @param subresources  such as {@code status}, {@code scale}, {@code binding}
 * @param fieldSelectors field paths accepted in a fieldSelector besides metadata.name and metadata.namespace
 * @param returnsDeletedObject whether a delete that removes the object answers with it (kube's ReturnDeletedObject), or
 *                       else with a Success Status naming it
 */
public record ResourceInfo(KindSchema schema, String plural, String singular, boolean namespaced, List<String> shortNames,
                           List<String> categories, List<String> verbs, Set<String> subresources,
                           Set<String> fieldSelectors, boolean returnsDeletedObject) {

    public GroupVersionKind gvk() {
        return schema.gvk();
    }

    public String kind() {
        return schema.gvk().kind();
    }

    /** The prefix under which the store keeps this resource's objects; the trailing '/' isolates it. */
    public String keyPrefix() {
        return "/registry/" + plural + "/";
    }

    public String key(String namespace, String name) {
        return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
    }

    public String listPrefix(String namespace) {
        return namespaced && namespace != null ? keyPrefix() + namespace + "/" : keyPrefix();
    }

    public boolean creatable() {
        return verbs.contains("create");
    }

    public boolean hasStatus() {
        return subresources.contains("status");
    }
}
