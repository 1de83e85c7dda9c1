package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.Authorizers;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.schemas.ManifestReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * authorization.k8s.io/v1 SubjectAccessReview as kube-apiserver answers it, on the bootstrap policy: the user and groups
 * of the spec asked about (none added), kube's status fields, kube's validation; and who may create one (RBAC's
 * system:auth-delegator, nodes through their restriction) and what the kubelet's attributes need (system:kubelet-api-admin).
 */
class SubjectAccessReviewTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RbacPolicy policy = new RbacPolicy();
    private final RbacAuthorizer rbac = new RbacAuthorizer(policy);
    private final Reviews reviews = new Reviews(Authorizers.teamMode(rbac), rbac);
    private static final UserInfo NODE = new UserInfo("system:node:n1", "", List.of("system:nodes", "system:authenticated"));

    @BeforeEach
    void bootstrap() {
        Policies.bootstrap(policy);
    }

    private void put(RbacPolicy.Kind kind, JsonNode object) {
        Policies.put(policy, kind, object);
    }

    private static ObjectNode sar(String yaml) throws Exception {
        return (ObjectNode) JSON.valueToTree(ManifestReader.read(yaml).get(0).content());
    }

    private ObjectNode nodesProxy(String user, String... groups) throws Exception {
        ObjectNode review = sar("""
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec:
                  resourceAttributes: {verb: get, group: "", version: v1, resource: nodes, subresource: proxy, name: n1}
                """);
        ((ObjectNode) review.path("spec")).put("user", user);
        for (String g : groups) {
            ((ObjectNode) review.path("spec")).withArray("groups").add(g);
        }
        return reviews.subjectAccessReview(NODE, review);
    }

    @Test
    void theApiserversKubeletClientMayProxyToNodesAndTheAnswerIsKubesShape() throws Exception {
        ObjectNode answered = nodesProxy(BootstrapPolicy.KUBELET_CLIENT);
        assertThat(answered.path("apiVersion").asText()).isEqualTo("authorization.k8s.io/v1");
        assertThat(answered.path("kind").asText()).isEqualTo("SubjectAccessReview");
        assertThat(answered.path("metadata").path("creationTimestamp").isNull()).isTrue();
        assertThat(answered.path("spec").path("user").asText()).as("the spec is answered as sent").isEqualTo(BootstrapPolicy.KUBELET_CLIENT);
        assertThat(answered.path("status").path("allowed").asBoolean()).isTrue();
        assertThat(answered.path("status").path("reason").asText()).isEqualTo("RBAC: allowed by ClusterRoleBinding "
                + "\"kube-apiserver-kubelet-admin\" of ClusterRole \"system:kubelet-api-admin\" to User \"kube-apiserver-kubelet-client\"");
    }

    @Test
    void anotherUserIsNotAllowedAndNoGroupIsAddedToTheSpecs() throws Exception {
        ObjectNode answered = nodesProxy("alice", "devs");
        assertThat(answered.path("status").path("allowed").asBoolean()).isFalse();
        assertThat(answered.path("status").has("denied")).as("RBAC has no opinion; it never denies").isFalse();
        assertThat(answered.path("status").has("reason")).isFalse();
        // system:masters in the spec's groups is what is asked about, with no group added or dropped
        assertThat(nodesProxy("alice", "system:masters").path("status").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void aGroupAloneIsEnoughAndNonResourceAttributesWork() throws Exception {
        for (String path : List.of("/version", "/metrics")) {
            ObjectNode review = sar("""
                    apiVersion: authorization.k8s.io/v1
                    kind: SubjectAccessReview
                    spec:
                      groups: [system:authenticated]
                    """);
            ((ObjectNode) review.path("spec")).putObject("nonResourceAttributes").put("verb", "get").put("path", path);
            assertThat(reviews.subjectAccessReview(NODE, review).path("status").path("allowed").asBoolean()).as(path)
                    .isEqualTo(path.equals("/version"));
        }
    }

    @Test
    void kubesValidation() throws Exception {
        assertThatThrownBy(() -> reviews.subjectAccessReview(NODE, sar("""
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec:
                  resourceAttributes: {verb: get, resource: pods}
                """))).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(422);
            assertThat(e.getMessage()).isEqualTo("SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: "
                    + "Invalid value: \"\": at least one of user or group must be specified");
        });
        assertThatThrownBy(() -> reviews.subjectAccessReview(NODE, sar("""
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec: {user: alice}
                """))).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
                .contains("exactly one of nonResourceAttributes or resourceAttributes must be specified"));
    }

    @Test
    void creatingReviewsIsForAuthDelegatorsAndNodesOnly() {
        UserInfo alice = new UserInfo("alice", "", List.of("system:authenticated"));
        var chain = Authorizers.teamMode(rbac);
        for (String[] r : List.of(new String[]{"authorization.k8s.io", "subjectaccessreviews"},
                new String[]{"authentication.k8s.io", "tokenreviews"})) {
            assertThat(chain.authorize(create(alice, r)).allowed()).as("alice: " + r[1]).isFalse();
            assertThat(chain.authorize(create(NODE, r)).allowed()).as("a node: " + r[1]).isTrue();
        }
        put(RbacPolicy.Kind.CLUSTER_ROLE_BINDINGS, JSON.valueToTree(ManifestReader.read("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: alice-delegates}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
                subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
                """).get(0).content()));
        assertThat(chain.authorize(create(alice, new String[]{"authentication.k8s.io", "tokenreviews"})).allowed()).isTrue();
        assertThat(chain.authorize(create(alice, new String[]{"authorization.k8s.io", "subjectaccessreviews"})).allowed()).isTrue();
        assertThat(chain.authorize(new RequestAttributes(NODE, "create", true, "authorization.k8s.io", "selfsubjectrulesreviews",
                null, "", "", "")).allowed()).isTrue();
    }

    private static RequestAttributes create(UserInfo user, String[] groupAndResource) {
        return new RequestAttributes(user, "create", true, groupAndResource[0], groupAndResource[1], null, "", "", "");
    }
}
