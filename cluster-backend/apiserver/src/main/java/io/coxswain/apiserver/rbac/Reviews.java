package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;

import java.util.List;

/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview, SelfSubjectRulesReview and SubjectAccessReview: created, answered
 * and never stored, as kube-apiserver does. {@code kubectl auth can-i} and {@code kubectl auth can-i --list} send the
 * first two for the requesting user; a kubelet sends the third about a caller of its API.
 */
public final class Reviews {

    private final Authorizer authorizer;
    private final RbacAuthorizer rbac;

    public Reviews(Authorizer authorizer, RbacAuthorizer rbac) {
        this.authorizer = authorizer;
        this.rbac = rbac;
    }

    /** The review with its status filled in, for the requesting user. */
    public ObjectNode accessReview(UserInfo user, ObjectNode review) {
        kind(review, "SelfSubjectAccessReview");
        return answer(user, review, "SelfSubjectAccessReview");
    }

    /**
     * authorization.k8s.io/v1 SubjectAccessReview: the same question for the user, uid and groups in its spec (as given:
     * nothing is added to them), which the kubelet asks about each caller of its API. Creating one needs RBAC's
     * {@code create subjectaccessreviews} (kube's {@code system:auth-delegator}, and {@code system:node}).
     */
    public ObjectNode subjectAccessReview(UserInfo caller, ObjectNode review) {
        kind(review, "SubjectAccessReview");
        JsonNode spec = review.path("spec");
        String name = spec.path("user").asText("");
        List<String> groups = new java.util.ArrayList<>();
        spec.path("groups").forEach(g -> groups.add(g.asText()));
        if (name.isEmpty() && groups.isEmpty()) {
            throw ApiException.invalid("authorization.k8s.io", "SubjectAccessReview", "", List.of(new ApiException.Cause("FieldValueInvalid",
                    "Invalid value: \"\": at least one of user or group must be specified", "spec.user")));
        }
        return answer(new UserInfo(name, spec.path("uid").asText(""), List.copyOf(groups)), review, "SubjectAccessReview");
    }

    /** Asks the authorizer about the spec's resourceAttributes or nonResourceAttributes as {@code user}, into status. */
    private ObjectNode answer(UserInfo user, ObjectNode review, String kind) {
        JsonNode spec = review.path("spec");
        JsonNode resource = spec.path("resourceAttributes");
        JsonNode nonResource = spec.path("nonResourceAttributes");
        if (resource.isObject() == nonResource.isObject()) {
            throw ApiException.invalid("authorization.k8s.io", kind, "", List.of(new ApiException.Cause("FieldValueRequired",
                    "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
                    "spec.resourceAttributes")));
        }
        String subresource = resource.path("subresource").asText("");
        RequestAttributes attributes = resource.isObject()
                ? new RequestAttributes(user, resource.path("verb").asText(""), true, resource.path("group").asText(""),
                resource.path("resource").asText(""), subresource.isEmpty() ? null : subresource, resource.path("namespace").asText(""),
                resource.path("name").asText(""), "")
                : new RequestAttributes(user, nonResource.path("verb").asText(""), false, "", "", "", "", "",
                nonResource.path("path").asText(""));
        Authorizer.Decision decision = authorizer.authorize(attributes);
        ObjectNode status = review.putObject("status").put("allowed", decision.allowed());
        String reason = decision.reason() == null ? "" : decision.reason();
        if (!reason.isEmpty()) {
            if (!decision.allowed() && reason.startsWith("RBAC: [")) {
                status.put("evaluationError", reason);
            } else {
                status.put("reason", reason);
            }
        }
        return review;
    }

    public ObjectNode rulesReview(UserInfo user, ObjectNode review) {
        kind(review, "SelfSubjectRulesReview");
        String namespace = review.path("spec").path("namespace").asText("");
        RbacAuthorizer.Rules rules = rbac.rulesFor(user, namespace);
        ObjectNode status = review.putObject("status");
        ArrayNode resourceRules = status.putArray("resourceRules");
        ArrayNode nonResourceRules = status.putArray("nonResourceRules");
        if (user.inGroup(RbacAuthorizer.MASTERS) && rules.resourceRules().isEmpty()) {
            // the privileged group needs no binding; say so as cluster-admin's rules would
            ObjectNode all = resourceRules.addObject();
            all.putArray("verbs").add("*");
            all.putArray("apiGroups").add("*");
            all.putArray("resources").add("*");
            ObjectNode urls = nonResourceRules.addObject();
            urls.putArray("verbs").add("*");
            urls.putArray("nonResourceURLs").add("*");
        }
        for (PolicyRule r : rules.resourceRules()) {
            ObjectNode out = resourceRules.addObject();
            strings(out.putArray("verbs"), r.verbs());
            strings(out.putArray("apiGroups"), r.apiGroups());
            strings(out.putArray("resources"), r.resources());
            if (!r.resourceNames().isEmpty()) {
                strings(out.putArray("resourceNames"), r.resourceNames());
            }
        }
        for (PolicyRule r : rules.nonResourceRules()) {
            ObjectNode out = nonResourceRules.addObject();
            strings(out.putArray("verbs"), r.verbs());
            strings(out.putArray("nonResourceURLs"), r.nonResourceURLs());
        }
        status.put("incomplete", !rules.errors().isEmpty());
        if (!rules.errors().isEmpty()) {
            status.put("evaluationError", String.join(", ", rules.errors()));
        }
        return review;
    }

    static void kind(ObjectNode review, String kind) {
        kind(review, "authorization.k8s.io/v1", kind);
    }

    /** Checks a review's apiVersion and kind (both may be left out) and sets them, with kube's null creationTimestamp. */
    public static void kind(ObjectNode review, String apiVersion, String kind) {
        String given = review.path("kind").asText(kind);
        if (!review.path("apiVersion").asText(apiVersion).equals(apiVersion) || !given.equals(kind)) {
            throw ApiException.badRequest("the object is not an " + apiVersion + " " + kind);
        }
        review.put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode meta = review.with("metadata");
        meta.putNull("creationTimestamp");
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
