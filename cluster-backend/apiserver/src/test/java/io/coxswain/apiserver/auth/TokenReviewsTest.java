package io.coxswain.apiserver.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** authentication.k8s.io/v1 TokenReview as kube-apiserver answers it, over the token file's authenticator. */
class TokenReviewsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, UserInfo> tokens = TokenFile.parse(List.of("s3cret,alice,uid-1,\"devs,ops\""));
    private final TokenReviews reviews = new TokenReviews(t -> java.util.Optional.ofNullable(tokens.get(t)));
    private static final UserInfo NODE = new UserInfo("system:node:n1", "", List.of("system:nodes"));

    private static ObjectNode review(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void aKnownTokenIsItsUserWithKubesFields() throws Exception {
        ObjectNode answered = reviews.review(NODE, review("""
                {"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"s3cret"}}"""));
        assertThat(JSON.writeValueAsString(answered)).isEqualTo("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
                + "\"spec\":{\"token\":\"s3cret\"},\"metadata\":{\"creationTimestamp\":null},\"status\":{\"authenticated\":true,\"user\":{\"username\":\"alice\","
                + "\"uid\":\"uid-1\",\"groups\":[\"devs\",\"ops\",\"system:authenticated\"]},"
                + "\"audiences\":[\"https://kubernetes.default.svc.cluster.local\"]}}");
    }

    @Test
    void anUnknownTokenIsNobodyWithAnEmptyUser() throws Exception {
        ObjectNode status = (ObjectNode) reviews.review(NODE, review("""
                {"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"guess"}}""")).path("status");
        assertThat(status.toString()).isEqualTo("{\"user\":{}}");
        TokenReviews plain = new TokenReviews(null);
        assertThat(plain.review(NODE, review("{\"spec\":{\"token\":\"s3cret\"}}")).path("status").toString()).isEqualTo("{\"user\":{}}");
    }

    @Test
    void anotherAudienceIsNotTheApisAndAnEmptyTokenIsABadRequest() throws Exception {
        ObjectNode status = (ObjectNode) reviews.review(NODE, review("""
                {"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"s3cret","audiences":["vault"]}}"""))
                .path("status");
        assertThat(status.path("authenticated").asBoolean()).isFalse();
        assertThat(status.path("error").asText()).isEqualTo("token audiences [\"https://kubernetes.default.svc.cluster.local\"] is invalid "
                + "for the target audiences [\"vault\"]");
        assertThatThrownBy(() -> reviews.review(NODE, review("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{}}")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("token is required for TokenReview in authentication");
                });
        assertThatThrownBy(() -> reviews.review(NODE, review("{\"apiVersion\":\"authentication.k8s.io/v1beta1\",\"kind\":\"TokenReview\"}")))
                .isInstanceOf(ApiException.class);
    }
}
