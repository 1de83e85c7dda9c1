package io.coxswain.apiserver.auth;

import java.util.List;
import java.util.Set;

/**
 * The NodeRestriction idea of kube-apiserver (its Node authorizer and NodeRestriction admission in one): a kubelet
 * authenticates as {@code system:node:<name>} in group {@code system:nodes} and may write only its own Node (and its
 * status), its own Lease in {@code kube-node-lease}, the status of pods bound to it (and delete them once they are
 * gone), and events, and ask TokenReviews and SubjectAccessReviews about the callers of its own API. It may read
 * a Secret or ConfigMap only when a pod bound to it references it (get, or a list or watch of that one object by
 * {@code fieldSelector=metadata.name=NAME}), and create a token only for a service account that such a pod uses, bound to
 * that pod: kube's Node authorizer over its {@link NodeGraph}, and its NodeRestriction admission for the token's
 * binding. Anything else it may read.
 *
 * <p>Two answers need more than the URL: a create, whose name is in the body, and a pod write, which depends on
 * the pod's {@code spec.nodeName}; and a token request, whose bound pod is in the body. {@link #decide} says so with
 * {@link Outcome#CHECK_BODY_NAME}, {@link Outcome#CHECK_POD_BINDING} and {@link Outcome#CHECK_TOKEN_BINDING}; the request
 * pipeline finishes those checks.
 */
public final class NodeRestriction {

    public static final String NODES_GROUP = "system:nodes";
    public static final String NODE_PREFIX = "system:node:";

    private static final Set<String> READS = Set.of("get", "list", "watch");
    private static final Set<String> REVIEWS = Set.of("subjectaccessreviews", "localsubjectaccessreviews");

    public enum Outcome { NOT_A_NODE, ALLOW, DENY, CHECK_BODY_NAME, CHECK_POD_BINDING, CHECK_TOKEN_BINDING }

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

    /** @param graph the pods bound to nodes and what they reference; null when unknown (nothing is referenced then) */
    public static Outcome decide(RequestAttributes a, NodeGraph graph) {
        String node = nodeName(a.user());
        if (node == null) {
            return a.user() != null && a.user().inGroup(NODES_GROUP) ? Outcome.DENY : Outcome.NOT_A_NODE;
        }
        if (!a.resourceRequest()) {
            return a.verb().equals("get") ? Outcome.ALLOW : Outcome.DENY;
        }
        if (a.apiGroup().isEmpty() && (a.resource().equals("secrets") || a.resource().equals("configmaps"))) {
            // a node must not read what its pods do not use: the join tokens in kube-system, say
            return READS.contains(a.verb()) && a.subresource() == null && a.namespace() != null && a.name() != null
                    && graph != null && graph.references(node, a.resource(), a.namespace(), a.name()) ? Outcome.ALLOW : Outcome.DENY;
        }
        if (a.apiGroup().isEmpty() && a.resource().equals("serviceaccounts")) {
            return a.verb().equals("create") && "token".equals(a.subresource()) && a.name() != null && a.namespace() != null
                    && graph != null && graph.references(node, "serviceaccounts", a.namespace(), a.name())
                    ? Outcome.CHECK_TOKEN_BINDING : Outcome.DENY;
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
        if (node == null) {
            return "node users must be named system:node:<nodeName>";
        }
        boolean core = a.apiGroup() != null && a.apiGroup().isEmpty();
        if (core && ("secrets".equals(a.resource()) || "configmaps".equals(a.resource()))) {
            return !READS.contains(a.verb()) ? "can only read resources of this type"
                    : a.name() == null ? "No Object name found"
                    : "no relationship found between node '" + node + "' and this object";
        }
        if (core && "serviceaccounts".equals(a.resource())) {
            return !"token".equals(a.subresource()) || !"create".equals(a.verb()) || a.name() == null
                    ? "can only create tokens for individual service accounts"
                    : "no relationship found between node '" + node + "' and this object";
        }
        return "node \"" + node + "\" may only write its own Node and Lease, the status of pods bound to it, and events";
    }

    /**
     * kube's NodeRestriction admission of a node's TokenRequest: it must be bound to a pod (kind Pod, apiVersion v1, a
     * name and a uid) that is bound to this node and has that uid. Null when allowed, else why not.
     */
    public static String tokenBindingRefusal(String node, String namespace, com.fasterxml.jackson.databind.JsonNode request,
                                             NodeGraph graph) {
        com.fasterxml.jackson.databind.JsonNode ref = request == null ? null : request.path("spec").path("boundObjectRef");
        if (ref == null || !ref.isObject() || !"v1".equals(ref.path("apiVersion").asText()) || !"Pod".equals(ref.path("kind").asText())
                || ref.path("name").asText("").isEmpty()) {
            return "node requested token not bound to a pod";
        }
        if (ref.path("uid").asText("").isEmpty()) {
            return "node requested token with a pod binding without a uid";
        }
        NodeGraph.BoundPod pod = graph == null ? null : graph.pod(namespace, ref.path("name").asText());
        if (pod == null || !node.equals(pod.node())) {
            return "node requested token bound to a pod scheduled on a different node";
        }
        if (!pod.uid().equals(ref.path("uid").asText())) {
            return "the UID in the bound object reference (" + ref.path("uid").asText() + ") does not match the UID in record. "
                    + "The object might have been deleted and then recreated";
        }
        return null;
    }
}
