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
 * authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview: created, answered for the requesting
 * user and never stored, as kube-apiserver does. {@code kubectl auth can-i} and {@code kubectl auth can-i --list} send
 * them.
 */
public final class Reviews {

    private final Authorizer authorizer;
    private final RbacAuthorizer rbac;

    public Reviews(Authorizer authorizer, RbacAuthorizer rbac) {
        this.authorizer = authorizer;
        this.rbac = rbac;
    }

    /** The review with its status filled in. */
    public ObjectNode accessReview(UserInfo user, ObjectNode review) {
        kind(review, "SelfSubjectAccessReview");
        JsonNode spec = review.path("spec");
        JsonNode resource = spec.path("resourceAttributes");
        JsonNode nonResource = spec.path("nonResourceAttributes");
        if (resource.isObject() == nonResource.isObject()) {
            throw ApiException.invalid("authorization.k8s.io", "SelfSubjectAccessReview", "", List.of(new ApiException.Cause("FieldValueRequired",
                    "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
                    "spec.resourceAttributes")));
        }
        RequestAttributes attributes = resource.isObject()
                ? new RequestAttributes(user, resource.path("verb").asText(""), true, resource.path("group").asText(""),
                resource.path("resource").asText(""), resource.path("subresource").asText(""), resource.path("namespace").asText(""),
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

    private static void kind(ObjectNode review, String kind) {
        String apiVersion = review.path("apiVersion").asText("authorization.k8s.io/v1");
        String given = review.path("kind").asText(kind);
        if (!apiVersion.equals("authorization.k8s.io/v1") || !given.equals(kind)) {
            throw ApiException.badRequest("the object is not an authorization.k8s.io/v1 " + kind);
        }
        review.put("apiVersion", "authorization.k8s.io/v1").put("kind", kind);
        ObjectNode meta = review.with("metadata");
        meta.putNull("creationTimestamp");
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
