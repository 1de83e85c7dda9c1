package io.coxswain.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.rbac.Reviews;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * authentication.k8s.io/v1 TokenReview, as kube-apiserver answers it: created, never stored; the token in its spec is
 * authenticated with the server's own token authenticator (the {@code --token-auth-file}), and the status says
 * {@code authenticated} and the user. A kubelet sends it for each bearer token it is given. Creating one needs RBAC's
 * {@code create tokenreviews} (kube's {@code system:auth-delegator}, and {@code system:node}).
 *
 * <p>The static tokens are not bound to an audience: as in kube, they are good for the API's own audience only, so a
 * review that names other audiences is not authenticated.
 */
public final class TokenReviews {

    /** kube-apiserver's default {@code --api-audiences}: its service account issuer. */
    public static final String API_AUDIENCE = "https://kubernetes.default.svc.cluster.local";

    private final Function<String, Optional<UserInfo>> authenticator;

    /** @param authenticator the user a token stands for; with no authenticator (plain HTTP) no token is anyone */
    public TokenReviews(Function<String, Optional<UserInfo>> authenticator) {
        this.authenticator = authenticator;
    }

    /** The review with its status filled in; the caller's own identity does not matter once RBAC let it create one. */
    public ObjectNode review(UserInfo caller, ObjectNode review) {
        Reviews.kind(review, "authentication.k8s.io/v1", "TokenReview");
        JsonNode spec = review.path("spec");
        String token = spec.path("token").asText("");
        if (token.isEmpty()) {
            throw ApiException.badRequest("token is required for TokenReview in authentication");
        }
        List<String> audiences = new java.util.ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        boolean forTheApi = audiences.isEmpty() || audiences.contains(API_AUDIENCE);
        Optional<UserInfo> user = forTheApi && authenticator != null ? authenticator.apply(token) : Optional.empty();
        ObjectNode status = review.putObject("status");
        if (user.isPresent()) {
            status.put("authenticated", true);
        }
        ObjectNode userInfo = status.putObject("user");
        if (user.isPresent()) {
            userInfo.put("username", user.get().name());
            if (!user.get().uid().isEmpty()) {
                userInfo.put("uid", user.get().uid());
            }
            user.get().groups().forEach(userInfo.withArray("groups")::add);
            user.get().extra().forEach((key, values) -> values.forEach(userInfo.withObjectProperty("extra").withArrayProperty(key)::add));
            status.putArray("audiences").add(API_AUDIENCE);
        } else if (!forTheApi) {
            status.put("error", "token audiences " + quoted(List.of(API_AUDIENCE)) + " is invalid for the target audiences "
                    + quoted(audiences));
        }
        return review;
    }

    /** Go's %q of a []string: {@code ["a" "b"]}. */
    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(" ", "[", "]"));
    }
}
