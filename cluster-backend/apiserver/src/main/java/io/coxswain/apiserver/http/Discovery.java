package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.ResourceRegistry;

import java.util.List;

/** The legacy discovery documents kubectl and client libraries read: /api, /apis and one per group-version. */
final class Discovery {

    private final ResourceRegistry registry;

    Discovery(ResourceRegistry registry) {
        this.registry = registry;
    }

    ObjectNode apiVersions(String serverAddress) {
        ObjectNode out = Json.object().put("kind", "APIVersions");
        out.putArray("versions").add("v1");
        out.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        return out;
    }

    ObjectNode groups() {
        ObjectNode out = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = out.putArray("groups");
        for (String apiVersion : registry.apiVersions()) {
            int slash = apiVersion.indexOf('/');
            if (slash < 0) {
                continue;
            }
            ObjectNode group = groups.addObject().put("name", apiVersion.substring(0, slash));
            ObjectNode version = Json.object().put("groupVersion", apiVersion).put("version", apiVersion.substring(slash + 1));
            group.putArray("versions").add(version);
            group.set("preferredVersion", version.deepCopy());
        }
        return out;
    }

    /** Null when no such group-version is served. */
    ObjectNode resources(String apiVersion) {
        List<ResourceInfo> resources = registry.inGroupVersion(apiVersion);
        if (resources.isEmpty()) {
            return null;
        }
        ObjectNode out = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", apiVersion);
        ArrayNode list = out.putArray("resources");
        for (ResourceInfo r : resources) {
            ObjectNode entry = list.addObject().put("name", r.plural()).put("singularName", r.singular())
                    .put("namespaced", r.namespaced()).put("kind", r.kind());
            ArrayNode verbs = entry.putArray("verbs");
            r.verbs().forEach(verbs::add);
            if (!r.shortNames().isEmpty()) {
                ArrayNode shortNames = entry.putArray("shortNames");
                r.shortNames().forEach(shortNames::add);
            }
            if (!r.categories().isEmpty()) {
                ArrayNode categories = entry.putArray("categories");
                r.categories().forEach(categories::add);
            }
            for (String sub : r.subresources().stream().sorted().toList()) {
                ObjectNode s = list.addObject().put("name", r.plural() + "/" + sub).put("singularName", "")
                        .put("namespaced", r.namespaced());
                ArrayNode subVerbs = s.putArray("verbs");
                switch (sub) {
                    case "scale" -> {
                        s.put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
                        subVerbs.add("get").add("patch").add("update");
                    }
                    case "binding" -> {
                        s.put("kind", "Binding");
                        subVerbs.add("create");
                    }
                    case "eviction" -> {
                        s.put("group", "policy").put("version", "v1").put("kind", "Eviction");
                        subVerbs.add("create");
                    }
                    case "token" -> {
                        s.put("group", "authentication.k8s.io").put("version", "v1").put("kind", "TokenRequest");
                        subVerbs.add("create");
                    }
                    case "log" -> {
                        s.put("kind", "Pod");
                        subVerbs.add("get");
                    }
                    case "finalize" -> {
                        s.put("kind", r.kind());
                        subVerbs.add("update");
                    }
                    default -> {
                        s.put("kind", r.kind());
                        subVerbs.add("get").add("patch").add("update");
                    }
                }
            }
        }
        return out;
    }
}
