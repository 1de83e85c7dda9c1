package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.schemas.ManifestReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** kube's RBAC semantics on the in-memory policy: subjects, wildcards, subresources, names, URLs, bindings' scope. */
class RbacAuthorizerTest {

    private final RbacPolicy policy = new RbacPolicy();
    private final RbacAuthorizer authorizer = new RbacAuthorizer(policy);
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of("team-a", "system:authenticated"));
    private static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"));
    private static final UserInfo ROBOT = new UserInfo("system:serviceaccount:team-a:robot", "", List.of("system:serviceaccounts"));

    @BeforeEach
    void bootstrap() {
        Policies.bootstrap(policy);
    }

    private void put(RbacPolicy.Kind kind, JsonNode object) {
        Policies.put(policy, kind, object);
    }

    private void yaml(RbacPolicy.Kind kind, String text) {
        put(kind, ManifestReader.read(text).get(0).content());
    }

    private static RequestAttributes res(UserInfo u, String verb, String group, String resource, String sub, String ns, String name) {
        return new RequestAttributes(u, verb, true, group, resource, sub, ns, name, "");
    }

    private static RequestAttributes url(UserInfo u, String verb, String path) {
        return new RequestAttributes(u, verb, false, "", "", "", "", "", path);
    }

    @Test
    void systemMastersMayDoEverythingAndTheReasonNamesTheBinding() {
        Authorizer.Decision d = authorizer.authorize(res(UserInfo.UNSECURED, "delete", "apps", "deployments", "", "x", "y"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo("RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" "
                + "to Group \"system:masters\"");
        policy.clear(RbacPolicy.Kind.CLUSTER_ROLE_BINDINGS);
        assertThat(authorizer.authorize(res(UserInfo.UNSECURED, "delete", "", "nodes", "", "", "n")).allowed())
                .as("the group is privileged even without its binding").isTrue();
    }

    @Test
    void nobodyElseGetsAnythingButDiscoveryAndSelfReviews() {
        assertThat(authorizer.authorize(res(BOB, "list", "", "pods", "", "default", "")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(BOB, "list", "", "pods", "", "default", "")).reason()).isEmpty();
        assertThat(authorizer.authorize(res(BOB, "create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", "")).allowed())
                .isTrue();
        assertThat(authorizer.authorize(url(BOB, "get", "/apis/apps/v1")).allowed()).isTrue();
        assertThat(authorizer.authorize(url(BOB, "get", "/metrics")).allowed()).isFalse();
        assertThat(authorizer.authorize(url(BOB, "post", "/api")).allowed()).isFalse();
    }

    @Test
    void aRoleBindingGrantsOnlyInItsNamespaceToItsSubjects() {
        yaml(RbacPolicy.Kind.ROLES, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: team-a}
                rules:
                - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch]}
                - {apiGroups: [""], resources: [configmaps], resourceNames: [settings], verbs: [update]}
                """);
        yaml(RbacPolicy.Kind.ROLE_BINDINGS, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: readers, namespace: team-a}
                subjects: [{kind: Group, name: team-a, apiGroup: rbac.authorization.k8s.io}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                """);
        Authorizer.Decision d = authorizer.authorize(res(ALICE, "list", "", "pods", "", "team-a", ""));
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo("RBAC: allowed by RoleBinding \"readers/team-a\" of Role \"reader\" to Group \"team-a\"");
        assertThat(authorizer.authorize(res(ALICE, "get", "", "pods", "log", "team-a", "web")).allowed()).isTrue();
        assertThat(authorizer.authorize(res(ALICE, "get", "", "pods", "exec", "team-a", "web")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(ALICE, "delete", "", "pods", "", "team-a", "web")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(ALICE, "list", "", "pods", "", "team-b", "")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(ALICE, "list", "", "pods", "", "", "")).allowed()).as("all namespaces").isFalse();
        assertThat(authorizer.authorize(res(ALICE, "list", "apps", "pods", "", "team-a", "")).allowed()).as("other group").isFalse();
        assertThat(authorizer.authorize(res(BOB, "list", "", "pods", "", "team-a", "")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(ALICE, "update", "", "configmaps", "", "team-a", "settings")).allowed()).isTrue();
        assertThat(authorizer.authorize(res(ALICE, "update", "", "configmaps", "", "team-a", "other")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(ALICE, "update", "", "configmaps", "", "team-a", "")).allowed())
                .as("resourceNames never match a request without a name").isFalse();
        policy.apply(RbacPolicy.Kind.ROLE_BINDINGS, "team-a", "readers", null);
        assertThat(authorizer.authorize(res(ALICE, "list", "", "pods", "", "team-a", "")).allowed()).as("binding deleted").isFalse();
    }

    @Test
    void aRoleBindingOfAClusterRoleAndServiceAccountsDefaultingToTheBindingsNamespace() {
        yaml(RbacPolicy.Kind.ROLE_BINDINGS, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: robots-edit, namespace: team-a}
                subjects: [{kind: ServiceAccount, name: robot}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                """);
        Authorizer.Decision d = authorizer.authorize(res(ROBOT, "create", "apps", "deployments", "", "team-a", ""));
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo("RBAC: allowed by RoleBinding \"robots-edit/team-a\" of ClusterRole \"edit\" to "
                + "ServiceAccount \"robot/team-a\"");
        assertThat(authorizer.authorize(res(ROBOT, "create", "apps", "deployments", "", "team-b", "")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(ROBOT, "create", "rbac.authorization.k8s.io", "rolebindings", "", "team-a", "")).allowed())
                .as("edit may not grant").isFalse();
        assertThat(authorizer.authorize(res(ROBOT, "delete", "", "namespaces", "", "team-a", "team-a")).allowed())
                .as("edit reads namespaces only").isFalse();
    }

    @Test
    void clusterRoleBindingsWildcardsSubresourcePatternsAndUrlPrefixes() {
        yaml(RbacPolicy.Kind.CLUSTER_ROLES, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: scaler}
                rules:
                - {apiGroups: ["*"], resources: ["*/scale"], verbs: ["*"]}
                - {nonResourceURLs: ["/logs/*", /metrics], verbs: [get]}
                """);
        yaml(RbacPolicy.Kind.CLUSTER_ROLE_BINDINGS, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: scalers}
                subjects: [{kind: User, name: bob}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scaler}
                """);
        assertThat(authorizer.authorize(res(BOB, "patch", "apps", "deployments", "scale", "any", "web")).allowed()).isTrue();
        assertThat(authorizer.authorize(res(BOB, "patch", "apps", "replicasets", "scale", "", "web")).allowed()).isTrue();
        assertThat(authorizer.authorize(res(BOB, "patch", "apps", "deployments", "", "any", "web")).allowed()).isFalse();
        assertThat(authorizer.authorize(res(BOB, "patch", "apps", "deployments", "status", "any", "web")).allowed()).isFalse();
        assertThat(authorizer.authorize(url(BOB, "get", "/logs/kubelet.log")).allowed()).isTrue();
        assertThat(authorizer.authorize(url(BOB, "get", "/logs/")).allowed()).isTrue();
        assertThat(authorizer.authorize(url(BOB, "get", "/logs")).allowed()).isFalse();
        assertThat(authorizer.authorize(url(BOB, "get", "/metrics")).allowed()).isTrue();
        assertThat(authorizer.authorize(url(BOB, "get", "/metrics/x")).allowed()).isFalse();
        assertThat(authorizer.authorize(url(ALICE, "get", "/metrics")).allowed()).isFalse();
    }

    @Test
    void aBindingToAMissingRoleAllowsNothingAndSaysWhy() {
        yaml(RbacPolicy.Kind.ROLE_BINDINGS, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: dangling, namespace: team-a}
                subjects: [{kind: User, name: alice}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
                """);
        Authorizer.Decision d = authorizer.authorize(res(ALICE, "get", "", "pods", "", "team-a", "web"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("RBAC: [role.rbac.authorization.k8s.io \"gone\" not found]");
        assertThat(authorizer.rulesFor(ALICE, "team-a").errors()).containsExactly("role.rbac.authorization.k8s.io \"gone\" not found");
    }

    @Test
    void theForbiddenMessageIsKubes() {
        assertThat(Forbidden.message(res(ALICE, "list", "", "pods", "", "default", ""), ""))
                .isEqualTo("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
        assertThat(Forbidden.message(res(ALICE, "get", "apps", "deployments", "scale", "", "web"), ""))
                .isEqualTo("deployments.apps \"web\" is forbidden: User \"alice\" cannot get resource \"deployments/scale\" in API group "
                        + "\"apps\" at the cluster scope");
        assertThat(Forbidden.message(url(ALICE, "get", "/metrics"), ""))
                .isEqualTo("forbidden: User \"alice\" cannot get path \"/metrics\"");
        assertThat(Forbidden.exception(res(ALICE, "list", "", "pods", "", "default", ""), "RBAC: [x]").getMessage()).endsWith(": RBAC: [x]");
    }

    @Test
    void impersonationNeedsThePermissionAndAddsTheAuthenticatedGroup() {
        Impersonation impersonation = new Impersonation(authorizer);
        UserInfo as = impersonation.impersonated(UserInfo.UNSECURED, "alice", List.of("team-a"), null);
        assertThat(as).isEqualTo(new UserInfo("alice", "", List.of("team-a", "system:authenticated")));
        UserInfo sa = impersonation.impersonated(UserInfo.UNSECURED, "system:serviceaccount:team-a:robot", List.of(), null);
        assertThat(sa.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated");
        assertThat(impersonation.impersonated(UserInfo.UNSECURED, null, List.of(), null)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> impersonation.impersonated(BOB, "alice", List.of(), null))
                .hasMessage("users \"alice\" is forbidden: User \"bob\" cannot impersonate resource \"users\" in API group \"\" at the "
                        + "cluster scope");
    }

    @Test
    void nobodyGrantsWhatTheyDoNotHold() {
        yaml(RbacPolicy.Kind.ROLE_BINDINGS, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: alice-admin, namespace: team-a}
                subjects: [{kind: User, name: alice}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
                """);
        var registry = new io.coxswain.apiserver.registry.ResourceRegistry(io.coxswain.schemas.SchemaCatalog.standard());
        var roles = registry.find("rbac.authorization.k8s.io/v1", "roles").orElseThrow();
        var bindings = registry.find("rbac.authorization.k8s.io/v1", "rolebindings").orElseThrow();
        EscalationCheck check = new EscalationCheck(authorizer);
        var asAlice = new io.coxswain.apiserver.registry.WriteOptions(false, io.coxswain.apiserver.admission.FieldValidation.STRICT, "t")
                .by(ALICE);
        var podReader = (com.fasterxml.jackson.databind.node.ObjectNode) ManifestReader.read("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: r, namespace: team-a}
                rules: [{apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}]
                """).get(0).content();
        check.check(roles, "team-a", null, podReader, asAlice);
        var secrets = (com.fasterxml.jackson.databind.node.ObjectNode) ManifestReader.read("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: s, namespace: team-a}
                rules: [{apiGroups: [""], resources: [pods, secrets], verbs: [get]}]
                """).get(0).content();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check.check(roles, "team-a", null, secrets, asAlice))
                .hasMessage("roles.rbac.authorization.k8s.io \"s\" is forbidden: user \"alice\" (groups=[\"team-a\" "
                        + "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                        + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check.check(roles, "team-b", null, podReader, asAlice))
                .as("not in another namespace").hasMessageContaining("is attempting to grant");
        check.check(roles, "team-a", null, secrets, asAlice.by(UserInfo.UNSECURED));
        var toClusterAdmin = (com.fasterxml.jackson.databind.node.ObjectNode) ManifestReader.read("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: b, namespace: team-a}
                subjects: [{kind: User, name: bob}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                """).get(0).content();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check.check(bindings, "team-a", null, toClusterAdmin, asAlice))
                .hasMessageContaining("{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}");
        var toEdit = toClusterAdmin.deepCopy();
        toEdit.with("roleRef").put("name", "edit");
        check.check(bindings, "team-a", null, toEdit, asAlice);
        var unchanged = toClusterAdmin.deepCopy();
        unchanged.with("metadata").putObject("labels").put("x", "y");
        check.check(bindings, "team-a", toClusterAdmin, unchanged, asAlice);
    }
}
