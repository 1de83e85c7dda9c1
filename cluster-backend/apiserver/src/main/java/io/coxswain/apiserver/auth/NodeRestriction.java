package io.coxswain.apiserver.auth;

import java.util.List;
import java.util.Set;

/**
 * The NodeRestriction idea of kube-apiserver (its Node authorizer and NodeRestriction admission in one): a kubelet
 * authenticates as {@code system:node:<name>} in group {@code system:nodes} and may write only its own Node (and its
 * status), its own Lease in {@code kube-node-lease}, the status of pods bound to it (and delete them once they are
 * gone), and events, and ask TokenReviews and SubjectAccessReviews about the callers of its own API. It may read everything
 * but Secrets (the real Node authorizer lets it get the Secrets and ConfigMaps its pods use, and no others; no pod uses a
 * Secret yet, and ConfigMaps are not narrowed here).
 *
 * <p>Two answers need more than the URL: a create, whose name is in the body, and a pod write, which depends on
 * the pod's {@code spec.nodeName}. {@link #decide} says so with {@link Outcome#CHECK_BODY_NAME} and
 * {@link Outcome#CHECK_POD_BINDING}; the request pipeline finishes those checks.
 */
public final class NodeRestriction {

    public static final String NODES_GROUP = "system:nodes";
    public static final String NODE_PREFIX = "system:node:";

    private static final Set<String> READS = Set.of("get", "list", "watch");
    private static final Set<String> REVIEWS = Set.of("subjectaccessreviews", "localsubjectaccessreviews");

    public enum Outcome { NOT_A_NODE, ALLOW, DENY, CHECK_BODY_NAME, CHECK_POD_BINDING }

    private NodeRestriction() {
    }

    /** The node a user is, or null for any other user. */
    public static String nodeName(UserInfo user) {
        if (user == null || !user.inGroup(NODES_GROUP) || !user.name().startsWith(NODE_PREFIX)) {
            return null;
        }
        String node = user.name().substring(NODE_PREFIX.length());
        return node.isEmpty() ? null : node;
    }

    public static Outcome decide(RequestAttributes a) {
        String node = nodeName(a.user());
        if (node == null) {
            return a.user() != null && a.user().inGroup(NODES_GROUP) ? Outcome.DENY : Outcome.NOT_A_NODE;
        }
        if (!a.resourceRequest()) {
            return a.verb().equals("get") ? Outcome.ALLOW : Outcome.DENY;
        }
        if (a.apiGroup().isEmpty() && a.resource().equals("secrets")) {
            // kube's Node authorizer lets a node get only the Secrets its pods reference, and never list or watch them;
            // no pod references one here yet (issue 18), so none: a node must not read the join tokens in kube-system
            return Outcome.DENY;
        }
        if (READS.contains(a.verb())) {
            return Outcome.ALLOW;
        }
        String group = a.apiGroup();
        String resource = a.resource();
        String sub = a.subresource();
        if (group.isEmpty() && resource.equals("events") || group.equals("events.k8s.io") && resource.equals("events")) {
            return List.of("create", "update", "patch").contains(a.verb()) ? Outcome.ALLOW : Outcome.DENY;
        }
        if (group.isEmpty() && resource.equals("nodes") && (sub == null || sub.equals("status"))) {
            return own(a, node);
        }
        if (group.equals("coordination.k8s.io") && resource.equals("leases") && sub == null && "kube-node-lease".equals(a.namespace())) {
            return own(a, node);
        }
        if (group.isEmpty() && resource.equals("pods")) {
            boolean statusWrite = "status".equals(sub) && List.of("update", "patch").contains(a.verb());
            boolean delete = sub == null && a.verb().equals("delete");
            return (statusWrite || delete) && a.name() != null ? Outcome.CHECK_POD_BINDING : Outcome.DENY;
        }
        if (a.verb().equals("create") && sub == null && (group.equals("authentication.k8s.io") && resource.equals("tokenreviews")
                || group.equals("authorization.k8s.io") && REVIEWS.contains(resource))) {
            return Outcome.ALLOW; // kube's system:node rules: a kubelet checks its own callers
        }
        if (a.verb().equals("create") && group.equals("certificates.k8s.io") && resource.equals("certificatesigningrequests")
                && (sub == null || sub.equals("selfnodeclient"))) {
            return Outcome.ALLOW; // system:node's CSR rule, and kubeadm's selfnodeclient binding: renewing its own certificate
        }
        return Outcome.DENY;
    }

    private static Outcome own(RequestAttributes a, String node) {
        if (a.verb().equals("create")) {
            return a.subresource() == null ? Outcome.CHECK_BODY_NAME : Outcome.DENY;
        }
        if (a.verb().equals("deletecollection")) {
            return Outcome.DENY;
        }
        return node.equals(a.name()) ? Outcome.ALLOW : Outcome.DENY;
    }

    /** Why a node's request was refused, appended to the Forbidden message. */
    public static String reason(RequestAttributes a) {
        String node = nodeName(a.user());
        return node == null ? "node users must be named system:node:<nodeName>"
                : a.apiGroup() != null && a.apiGroup().isEmpty() && "secrets".equals(a.resource())
                ? "node \"" + node + "\" may not read Secrets: none is referenced by its pods"
                : "node \"" + node + "\" may only write its own Node and Lease, the status of pods bound to it, and events";
    }
}
