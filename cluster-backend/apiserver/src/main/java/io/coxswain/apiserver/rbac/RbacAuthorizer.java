package io.coxswain.apiserver.rbac;

import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * kube-apiserver's RBAC authorizer over the in-memory {@link RbacPolicy}: a request is allowed when any rule of a role
 * bound to the user (by name, by one of its groups, or as a service account) covers it. Members of
 * {@code system:masters} may do everything, bound or not. Never blocks: it reads only memory.
 *
 * <p>An allowed decision's reason names the binding, as kube's does ({@code RBAC: allowed by ClusterRoleBinding
 * "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"}). A refused one has an empty reason unless a
 * binding names a missing role ({@code RBAC: clusterrole.rbac.authorization.k8s.io "x" not found}); the pipeline turns
 * it into the 403 message with {@link Forbidden#message}.
 */
public final class RbacAuthorizer implements Authorizer {

    public static final String MASTERS = "system:masters";

    private final RbacPolicy policy;

    public RbacAuthorizer(RbacPolicy policy) {
        this.policy = policy;
    }

    public RbacPolicy policy() {
        return policy;
    }

    @Override
    public Decision authorize(RequestAttributes attributes) {
        String[] allowedBy = new String[1];
        Set<String> errors = new LinkedHashSet<>();
        String namespace = attributes.resourceRequest() ? attributes.namespace() : null;
        policy.visitRules(attributes.user(), namespace, (source, rule, error) -> {
            if (error != null) {
                errors.add(error);
                return true;
            }
            if (rule.allows(attributes)) {
                allowedBy[0] = source;
                return false;
            }
            return true;
        });
        if (allowedBy[0] != null) {
            return new Decision(true, "RBAC: allowed by " + allowedBy[0]);
        }
        if (attributes.user().inGroup(MASTERS)) {
            return Decision.ALLOW;
        }
        return new Decision(false, errors.isEmpty() ? "" : "RBAC: [" + String.join(", ", errors) + "]");
    }

    /** What {@code kubectl auth can-i --list} shows: every rule that applies to the user in the namespace. */
    public record Rules(List<PolicyRule> resourceRules, List<PolicyRule> nonResourceRules, List<String> errors) {
    }

    public Rules rulesFor(UserInfo user, String namespace) {
        List<PolicyRule> resources = new ArrayList<>();
        List<PolicyRule> nonResources = new ArrayList<>();
        Set<String> errors = new LinkedHashSet<>();
        policy.visitRules(user, namespace, (source, rule, error) -> {
            if (error != null) {
                errors.add(error);
            } else {
                if (!rule.resources().isEmpty()) {
                    resources.add(rule);
                }
                if (!rule.nonResourceURLs().isEmpty()) {
                    nonResources.add(rule);
                }
            }
            return true;
        });
        return new Rules(resources, nonResources, List.copyOf(errors));
    }
}
