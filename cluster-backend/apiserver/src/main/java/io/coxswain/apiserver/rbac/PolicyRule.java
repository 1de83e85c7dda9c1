package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.apiserver.auth.RequestAttributes;

import java.util.ArrayList;
import java.util.List;

/**
 * One rule of a Role or ClusterRole, matched as kube's RBAC matches it: {@code *} for any verb, group or resource,
 * {@code pods/log} for a subresource and {@code *}{@code /scale} for one subresource of any resource, resourceNames
 * limiting to named objects, and nonResourceURLs with a trailing {@code *} matching a prefix.
 */
public record PolicyRule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames,
                         List<String> nonResourceURLs) {

    public static final String ALL = "*";

    public static PolicyRule from(JsonNode rule) {
        return new PolicyRule(strings(rule.path("verbs")), strings(rule.path("apiGroups")), strings(rule.path("resources")),
                strings(rule.path("resourceNames")), strings(rule.path("nonResourceURLs")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    public boolean allows(RequestAttributes a) {
        if (!matchesVerb(a.verb())) {
            return false;
        }
        if (!a.resourceRequest()) {
            return matchesNonResourceURL(a.path());
        }
        String subresource = a.subresource() == null ? "" : a.subresource();
        String combined = subresource.isEmpty() ? a.resource() : a.resource() + "/" + subresource;
        return matchesGroup(a.apiGroup() == null ? "" : a.apiGroup()) && matchesResource(combined, subresource)
                && matchesName(a.name() == null ? "" : a.name());
    }

    boolean matchesVerb(String verb) {
        return verbs.contains(ALL) || verbs.contains(verb);
    }

    boolean matchesGroup(String group) {
        return apiGroups.contains(ALL) || apiGroups.contains(group);
    }

    boolean matchesResource(String combined, String subresource) {
        for (String r : resources) {
            if (r.equals(ALL) || r.equals(combined)) {
                return true;
            }
            if (!subresource.isEmpty() && r.equals("*/" + subresource)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesName(String name) {
        return resourceNames.isEmpty() || resourceNames.contains(name);
    }

    boolean matchesNonResourceURL(String path) {
        String p = path == null ? "" : path;
        for (String url : nonResourceURLs) {
            if (url.equals(ALL) || url.equals(p)) {
                return true;
            }
            if (url.endsWith("*") && p.startsWith(url.substring(0, url.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
