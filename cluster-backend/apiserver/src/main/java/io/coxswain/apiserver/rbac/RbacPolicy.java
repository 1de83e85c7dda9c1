package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.apiserver.auth.UserInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Roles and bindings in memory, as the store holds them: what the authorizer reads on every request. Written by
 * {@link PolicyWatcher} from the store's watch; read from any thread without locks.
 */
public final class RbacPolicy {

    /** The four kinds by their REST resource name, which is also the store prefix's second part. */
    public enum Kind {
        ROLES("roles", true), CLUSTER_ROLES("clusterroles", false), ROLE_BINDINGS("rolebindings", true),
        CLUSTER_ROLE_BINDINGS("clusterrolebindings", false);

        final String plural;
        final boolean namespaced;

        Kind(String plural, boolean namespaced) {
            this.plural = plural;
            this.namespaced = namespaced;
        }

        public String plural() {
            return plural;
        }

        public String prefix() {
            return "/registry/" + plural + "/";
        }
    }

    public record Role(String namespace, String name, List<PolicyRule> rules) {
    }

    public record Subject(String kind, String name, String namespace) {
    }

    public record Binding(String namespace, String name, String roleKind, String roleName, List<Subject> subjects) {
    }

    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final Map<String, Role> clusterRoles = new ConcurrentHashMap<>();
    /** RoleBindings by namespace, then by name. */
    private final Map<String, Map<String, Binding>> roleBindings = new ConcurrentHashMap<>();
    private final Map<String, Binding> clusterRoleBindings = new ConcurrentHashMap<>();

    /** Puts (object non-null) or removes (object null) one object of a kind. */
    public void apply(Kind kind, String namespace, String name, JsonNode object) {
        switch (kind) {
            case ROLES -> put(roles, namespace + "/" + name, object == null ? null : role(namespace, name, object));
            case CLUSTER_ROLES -> put(clusterRoles, name, object == null ? null : role(null, name, object));
            case ROLE_BINDINGS -> {
                Map<String, Binding> inNamespace = roleBindings.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>());
                put(inNamespace, name, object == null ? null : binding(namespace, name, object));
            }
            case CLUSTER_ROLE_BINDINGS -> put(clusterRoleBindings, name, object == null ? null : binding(null, name, object));
        }
    }

    /** Forgets every object of a kind, before a fresh list of it. */
    public void clear(Kind kind) {
        switch (kind) {
            case ROLES -> roles.clear();
            case CLUSTER_ROLES -> clusterRoles.clear();
            case ROLE_BINDINGS -> roleBindings.clear();
            case CLUSTER_ROLE_BINDINGS -> clusterRoleBindings.clear();
        }
    }

    private static <T> void put(Map<String, T> map, String key, T value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    private static Role role(String namespace, String name, JsonNode object) {
        List<PolicyRule> rules = new ArrayList<>();
        object.path("rules").forEach(r -> rules.add(PolicyRule.from(r)));
        return new Role(namespace, name, List.copyOf(rules));
    }

    private static Binding binding(String namespace, String name, JsonNode object) {
        List<Subject> subjects = new ArrayList<>();
        object.path("subjects").forEach(s -> subjects.add(new Subject(s.path("kind").asText(), s.path("name").asText(),
                s.path("namespace").asText(""))));
        JsonNode ref = object.path("roleRef");
        return new Binding(namespace, name, ref.path("kind").asText(), ref.path("name").asText(), List.copyOf(subjects));
    }

    /** The rules of a Role (in the namespace) or ClusterRole; null when there is no such role. */
    public List<PolicyRule> roleRules(String kind, String namespace, String name) {
        Role role = kind.equals("Role") ? roles.get(namespace + "/" + name) : clusterRoles.get(name);
        return role == null ? null : role.rules();
    }

    /** Receives each rule that applies, with where it came from; returns false to stop. */
    public interface RuleVisitor {
        boolean visit(String source, PolicyRule rule, String error);
    }

    /**
     * Walks the rules that apply to the user in the namespace, as kube's VisitRulesFor does: every ClusterRoleBinding,
     * then (for a namespace) that namespace's RoleBindings. A binding to a missing role is passed as an error.
     */
    public void visitRules(UserInfo user, String namespace, RuleVisitor visitor) {
        for (Binding b : clusterRoleBindings.values()) {
            if (!b.roleKind().equals("ClusterRole")) {
                continue;
            }
            Subject subject = appliesTo(user, b, "");
            if (subject == null) {
                continue;
            }
            Role role = clusterRoles.get(b.roleName());
            String source = "ClusterRoleBinding \"" + b.name() + "\" of ClusterRole \"" + b.roleName() + "\" to " + describe(subject, "");
            if (!visitRole(role, "clusterrole.rbac.authorization.k8s.io \"" + b.roleName() + "\" not found", source, visitor)) {
                return;
            }
        }
        if (namespace == null || namespace.isEmpty()) {
            return;
        }
        for (Binding b : roleBindings.getOrDefault(namespace, Map.of()).values()) {
            Subject subject = appliesTo(user, b, namespace);
            if (subject == null) {
                continue;
            }
            boolean cluster = b.roleKind().equals("ClusterRole");
            Role role = cluster ? clusterRoles.get(b.roleName()) : roles.get(namespace + "/" + b.roleName());
            String missing = (cluster ? "clusterrole" : "role") + ".rbac.authorization.k8s.io \"" + b.roleName() + "\" not found";
            String source = "RoleBinding \"" + b.name() + "/" + namespace + "\" of " + b.roleKind() + " \"" + b.roleName() + "\" to "
                    + describe(subject, namespace);
            if (!visitRole(role, missing, source, visitor)) {
                return;
            }
        }
    }

    private static boolean visitRole(Role role, String missing, String source, RuleVisitor visitor) {
        if (role == null) {
            return visitor.visit(source, null, missing);
        }
        for (PolicyRule rule : role.rules()) {
            if (!visitor.visit(source, rule, null)) {
                return false;
            }
        }
        return true;
    }

    private static Subject appliesTo(UserInfo user, Binding binding, String bindingNamespace) {
        for (Subject s : binding.subjects()) {
            boolean match = switch (s.kind()) {
                case "User" -> s.name().equals(user.name());
                case "Group" -> user.groups().contains(s.name());
                case "ServiceAccount" -> {
                    String ns = s.namespace().isEmpty() ? bindingNamespace : s.namespace();
                    yield !ns.isEmpty() && user.name().equals("system:serviceaccount:" + ns + ":" + s.name());
                }
                default -> false;
            };
            if (match) {
                return s;
            }
        }
        return null;
    }

    private static String describe(Subject s, String bindingNamespace) {
        if (s.kind().equals("ServiceAccount")) {
            return s.kind() + " \"" + s.name() + "/" + (s.namespace().isEmpty() ? bindingNamespace : s.namespace()) + "\"";
        }
        return s.kind() + " \"" + s.name() + "\"";
    }
}
