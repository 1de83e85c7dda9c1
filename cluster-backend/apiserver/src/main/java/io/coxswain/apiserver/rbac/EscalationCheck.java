package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.WriteOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's RBAC privilege-escalation prevention, as an admission step: nobody grants what they do not hold. Writing a
 * Role or ClusterRole needs every one of its rules already (or the {@code escalate} verb on it); writing a binding
 * needs every rule of the role it names (or the {@code bind} verb on that role). Group {@code system:masters} and the
 * server itself pass. Updates that leave rules, roleRef and subjects as they were are not judged.
 */
public final class EscalationCheck implements ObjectService.WriteGuard {

    private static final String GROUP = "rbac.authorization.k8s.io";

    private final RbacAuthorizer rbac;

    public EscalationCheck(RbacAuthorizer rbac) {
        this.rbac = rbac;
    }

    @Override
    public void check(ResourceInfo r, String namespace, ObjectNode before, ObjectNode after, WriteOptions options) {
        UserInfo user = options.user();
        if (!r.gvk().group().equals(GROUP) || user == null || user.inGroup(RbacAuthorizer.MASTERS)) {
            return;
        }
        String ns = r.namespaced() ? namespace : "";
        String name = after.path("metadata").path("name").asText("");
        boolean binding = r.kind().endsWith("Binding");
        if (before != null && (binding ? before.path("roleRef").equals(after.path("roleRef"))
                && before.path("subjects").equals(after.path("subjects")) : before.path("rules").equals(after.path("rules")))) {
            return;
        }
        List<PolicyRule> granted;
        if (binding) {
            JsonNode ref = after.path("roleRef");
            String roleResource = ref.path("kind").asText().equals("Role") ? "roles" : "clusterroles";
            String roleName = ref.path("name").asText();
            if (allowed(user, "bind", roleResource, roleResource.equals("roles") ? ns : "", roleName)) {
                return;
            }
            granted = rbac.policy().roleRules(ref.path("kind").asText(), ns, roleName);
            if (granted == null) {
                throw ApiException.notFound(GROUP, roleResource, roleName);
            }
        } else {
            if (allowed(user, "escalate", r.plural(), ns, name)) {
                return;
            }
            granted = new ArrayList<>();
            after.path("rules").forEach(rule -> granted.add(PolicyRule.from(rule)));
        }
        RbacAuthorizer.Rules held = rbac.rulesFor(user, ns);
        List<PolicyRule> own = new ArrayList<>(held.resourceRules());
        own.addAll(held.nonResourceRules());
        List<String> missing = new ArrayList<>();
        for (PolicyRule rule : granted) {
            for (PolicyRule atom : breakdown(rule)) {
                if (own.stream().noneMatch(o -> covers(o, atom))) {
                    missing.add(compact(atom));
                }
            }
        }
        if (!missing.isEmpty()) {
            List<String> groups = user.groups().stream().map(g -> "\"" + g + "\"").toList();
            throw new ApiException(403, "Forbidden", r.plural() + "." + GROUP + " \"" + name + "\" is forbidden: user \"" + user.name()
                    + "\" (groups=[" + String.join(" ", groups) + "]) is attempting to grant RBAC permissions not currently held:\n"
                    + String.join("\n", missing), r.plural(), name, List.of());
        }
    }

    private boolean allowed(UserInfo user, String verb, String resource, String namespace, String name) {
        return rbac.authorize(new RequestAttributes(user, verb, true, GROUP, resource, "", namespace, name, "")).allowed();
    }

    /** One rule per verb, group, resource and name (or URL), as kube's BreakdownRule. */
    static List<PolicyRule> breakdown(PolicyRule rule) {
        List<PolicyRule> out = new ArrayList<>();
        for (String verb : rule.verbs()) {
            for (String group : rule.apiGroups()) {
                for (String resource : rule.resources()) {
                    if (rule.resourceNames().isEmpty()) {
                        out.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource), List.of(), List.of()));
                    }
                    for (String name : rule.resourceNames()) {
                        out.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource), List.of(name), List.of()));
                    }
                }
            }
            for (String url : rule.nonResourceURLs()) {
                out.add(new PolicyRule(List.of(verb), List.of(), List.of(), List.of(), List.of(url)));
            }
        }
        return out;
    }

    /** Whether an owner's rule covers one broken-down rule; a wildcard in the atom needs the same wildcard. */
    static boolean covers(PolicyRule owner, PolicyRule atom) {
        if (!owner.matchesVerb(atom.verbs().get(0))) {
            return false;
        }
        if (!atom.nonResourceURLs().isEmpty()) {
            return owner.matchesNonResourceURL(atom.nonResourceURLs().get(0));
        }
        String resource = atom.resources().get(0);
        int slash = resource.indexOf('/');
        String sub = slash < 0 ? "" : resource.substring(slash + 1);
        String name = atom.resourceNames().isEmpty() ? "" : atom.resourceNames().get(0);
        return owner.matchesGroup(atom.apiGroups().get(0)) && owner.matchesResource(resource, sub)
                && (owner.resourceNames().isEmpty() || (!name.isEmpty() && owner.resourceNames().contains(name)));
    }

    private static String compact(PolicyRule atom) {
        if (!atom.nonResourceURLs().isEmpty()) {
            return "{NonResourceURLs:[\"" + atom.nonResourceURLs().get(0) + "\"], Verbs:[\"" + atom.verbs().get(0) + "\"]}";
        }
        return "{APIGroups:[\"" + atom.apiGroups().get(0) + "\"], Resources:[\"" + atom.resources().get(0) + "\"]"
                + (atom.resourceNames().isEmpty() ? "" : ", ResourceNames:[\"" + atom.resourceNames().get(0) + "\"]")
                + ", Verbs:[\"" + atom.verbs().get(0) + "\"]}";
    }
}
