package io.coxswain.apiserver.auth;

import java.util.Set;

/**
 * The authorizer chain of team mode, first answer wins, as kube-apiserver's {@code --authorization-mode=Node,RBAC}
 * with its bootstrap policy:
 * <ol>
 *   <li>{@code system:masters} may do everything (the admin credential, and the components inside all-in-one), and
 *       everyone may ask who they are and what they may do (self subject reviews, kube's {@code system:basic-user});</li>
 *   <li>node users get exactly {@link NodeRestriction}'s answer (the body and pod checks are the pipeline's);</li>
 *   <li>the control-plane components ({@code system:kube-scheduler}, {@code system:kube-controller-manager},
 *       {@code system:kube-proxy}) may do everything: the bootstrap roles that would narrow them are not written yet;</li>
 *   <li>any authenticated user may GET the discovery and health paths (kube's {@code system:discovery} and
 *       {@code system:public-info-viewer}); {@code /metrics} is left to the next step;</li>
 *   <li>everything else: the configured authorizer (RBAC; {@link Authorizer#ALLOW_ALL} until it is wired).</li>
 * </ol>
 */
public final class Authorizers {

    public static final String MASTERS = "system:masters";
    public static final Set<String> COMPONENTS = Set.of("system:kube-scheduler", "system:kube-controller-manager", "system:kube-proxy");

    private Authorizers() {
    }

    public static Authorizer teamMode(Authorizer configured) {
        return teamMode(configured, null);
    }

    /** @param graph what the nodes' pods reference, for the Node authorizer's Secret, ConfigMap and token checks */
    public static Authorizer teamMode(Authorizer configured, NodeGraph graph) {
        return a -> {
            UserInfo user = a.user();
            if (user.inGroup(MASTERS) || selfReview(a)) {
                return Authorizer.Decision.ALLOW;
            }
            switch (NodeRestriction.decide(a, graph)) {
                case NOT_A_NODE -> {
                }
                case DENY -> {
                    return new Authorizer.Decision(false, NodeRestriction.reason(a));
                }
                default -> {
                    return Authorizer.Decision.ALLOW;
                }
            }
            if (COMPONENTS.contains(user.name())) {
                return Authorizer.Decision.ALLOW;
            }
            if (!a.resourceRequest() && a.verb().equals("get") && discovery(a.path())) {
                return Authorizer.Decision.ALLOW;
            }
            return configured.authorize(a);
        };
    }

    /** What kube's system:basic-user allows everyone: asking who one is and what one may do. */
    private static boolean selfReview(RequestAttributes a) {
        return a.resourceRequest() && a.verb().equals("create") && a.subresource() == null
                && (a.apiGroup().equals("authentication.k8s.io") && a.resource().equals("selfsubjectreviews")
                || a.apiGroup().equals("authorization.k8s.io")
                && (a.resource().equals("selfsubjectaccessreviews") || a.resource().equals("selfsubjectrulesreviews")));
    }

    private static boolean discovery(String path) {
        return path.equals("/api") || path.startsWith("/api/") || path.equals("/apis") || path.startsWith("/apis/")
                || path.equals("/openapi/v3") || path.startsWith("/openapi/") || path.equals("/version")
                || path.equals("/healthz") || path.equals("/readyz") || path.equals("/livez");
    }
}
