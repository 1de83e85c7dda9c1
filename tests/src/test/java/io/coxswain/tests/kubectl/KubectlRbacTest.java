package io.coxswain.tests.kubectl;

import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;

import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RBAC through real kubectl: the bootstrap ClusterRoles and bindings, Role/RoleBinding/ClusterRoleBinding applied
 * and printed, and {@code kubectl auth can-i} (SelfSubjectAccessReview, SelfSubjectRulesReview) answering for other
 * users through impersonation ({@code --as}, {@code --as-group}), which the admin of the kubeconfig (system:admin in
 * system:masters, a client certificate over TLS) may do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlRbacTest extends KubectlSuite {

    private static final String POLICY = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: team-a}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: pod-reader, namespace: team-a}
            rules:
            - apiGroups: [""]
              resources: [pods, pods/log]
              verbs: [get, list, watch]
            - apiGroups: [""]
              resources: [configmaps]
              resourceNames: [settings]
              verbs: [get, update]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: alice-reads, namespace: team-a}
            subjects:
            - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: robots-edit, namespace: team-a}
            subjects:
            - {kind: ServiceAccount, name: robot}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: auditors-view}
            subjects:
            - {kind: Group, name: auditors, apiGroup: rbac.authorization.k8s.io}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            """;

    /** Runs {@code kubectl auth can-i ARGS} and expects "yes" (exit 0) or "no" (exit 1). */
    private static void canI(boolean expected, String... args) throws IOException, InterruptedException {
        String[] full = new String[args.length + 2];
        full[0] = "auth";
        full[1] = "can-i";
        System.arraycopy(args, 0, full, 2, args.length);
        Kubectl.Result r = k.exits(expected ? 0 : 1, full);
        assertThat(r.stdout().strip()).as(String.join(" ", full) + "\n" + r.stderr()).isEqualTo(expected ? "yes" : "no");
        verified(String.join(" ", full) + " -> " + (expected ? "yes" : "no"));
    }

    /** kubectl with a standard input (or null), whatever its exit code. */
    private static Kubectl.Result kubectl(String stdin, String... args) throws java.io.IOException, InterruptedException {
        return k.kubectl.run(stdin, args);
    }

    @Test
    @Order(1)
    void theBootstrapPolicyIsThere() throws Exception {
        String roles = k.ok("get", "clusterroles").stdout();
        assertThat(roles).contains("NAME").contains("CREATED AT").contains("cluster-admin").contains("admin").contains("edit")
                .contains("view").contains("system:node").contains("system:kube-scheduler");
        verified("get clusterroles");
        String binding = k.ok("get", "clusterrolebinding", "cluster-admin", "-o", "wide").stdout();
        assertThat(binding).contains("ROLE").contains("ClusterRole/cluster-admin").contains("system:masters");
        verified("get clusterrolebinding cluster-admin -o wide");
        canI(true, "*", "*");
        canI(true, "delete", "nodes");
    }

    @Test
    @Order(2)
    void rolesAndBindingsApplyAndPrint() throws Exception {
        String applied = k.okWithInput(POLICY, "apply", "-f", "-").stdout();
        assertThat(applied).contains("role.rbac.authorization.k8s.io/pod-reader created")
                .contains("rolebinding.rbac.authorization.k8s.io/alice-reads created")
                .contains("clusterrolebinding.rbac.authorization.k8s.io/auditors-view created");
        verified("apply -f (Role, RoleBinding, ClusterRoleBinding)");
        assertThat(k.ok("get", "roles", "-n", "team-a").stdout()).contains("pod-reader");
        String bindings = k.ok("get", "rolebindings", "-n", "team-a", "-o", "wide").stdout();
        assertThat(bindings).contains("USERS").contains("Role/pod-reader").contains("alice").contains("ClusterRole/edit")
                .contains("/robot"); // kube prints the subject's own namespace, empty here
        verified("get rolebindings -o wide");
        String described = k.ok("describe", "role", "pod-reader", "-n", "team-a").stdout();
        assertThat(described).contains("PolicyRule").contains("pods/log").contains("[settings]");
        verified("describe role pod-reader");
        assertThat(k.ok("describe", "rolebinding", "alice-reads", "-n", "team-a").stdout()).contains("Role:").contains("alice");
        verified("describe rolebinding alice-reads");
        assertThat(k.ok("explain", "clusterrolebinding.roleRef").stdout()).contains("RoleRef").contains("apiGroup");
        verified("explain clusterrolebinding.roleRef");
        assertThat(k.okWithInput(POLICY, "apply", "-f", "-").stdout()).contains("role.rbac.authorization.k8s.io/pod-reader unchanged");
        verified("apply -f (unchanged)");
        Kubectl.Result bad = kubectl("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: broken, namespace: team-a}
                subjects: [{kind: Robot, name: r2}]
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
                """, "apply", "-f", "-");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stderr()).contains("Robot");
        verified("apply of a RoleBinding with a bad subject kind is refused");
        Kubectl.Result moved = kubectl(POLICY.replace("kind: Role, name: pod-reader}", "kind: ClusterRole, name: view}"),
                "apply", "-f", "-");
        assertThat(moved.exitCode()).isNotZero();
        // kubectl words an Invalid from details.kind (the bare kind, its group in details.group), as against kube-apiserver
        assertThat(moved.stderr()).contains("The RoleBinding \"alice-reads\" is invalid: roleRef: Invalid value: "
                + "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"pod-reader\"}: cannot change roleRef");
        verified("apply of a changed roleRef -> " + moved.stderr().lines().filter(l -> l.contains("roleRef")).findFirst().orElse(""));
    }

    @Test
    @Order(3)
    void canIAnswersForAUserByTheirRoleBinding() throws Exception {
        canI(true, "list", "pods", "-n", "team-a", "--as", "alice");
        canI(true, "get", "pods", "--subresource=log", "-n", "team-a", "--as", "alice");
        canI(false, "delete", "pods", "-n", "team-a", "--as", "alice");
        canI(false, "list", "pods", "-n", "default", "--as", "alice");
        canI(false, "list", "pods", "-A", "--as", "alice");
        canI(false, "create", "deployments.apps", "-n", "team-a", "--as", "alice");
        canI(true, "update", "configmaps/settings", "-n", "team-a", "--as", "alice");
        canI(false, "update", "configmaps/other", "-n", "team-a", "--as", "alice");
        canI(true, "get", "/healthz", "--as", "alice");
        canI(false, "get", "/metrics", "--as", "alice");
        canI(false, "impersonate", "users", "--as", "alice");
    }

    @Test
    @Order(4)
    void groupsAndServiceAccounts() throws Exception {
        canI(true, "list", "deployments.apps", "-A", "--as", "bob", "--as-group", "auditors");
        canI(true, "get", "pods", "--subresource=log", "-n", "default", "--as", "bob", "--as-group", "auditors");
        canI(false, "create", "deployments.apps", "-n", "default", "--as", "bob", "--as-group", "auditors");
        canI(false, "list", "deployments.apps", "-A", "--as", "bob");
        canI(true, "create", "deployments.apps", "-n", "team-a", "--as", "system:serviceaccount:team-a:robot");
        canI(false, "create", "rolebindings.rbac.authorization.k8s.io", "-n", "team-a", "--as", "system:serviceaccount:team-a:robot");
        canI(false, "create", "deployments.apps", "-n", "default", "--as", "system:serviceaccount:team-a:robot");
    }

    @Test
    @Order(5)
    void canIListShowsTheRules() throws Exception {
        String list = k.ok("auth", "can-i", "--list", "-n", "team-a", "--as", "alice").stdout();
        assertThat(list).contains("Resources").contains("Non-Resource URLs").contains("Verbs");
        assertThat(list.lines().filter(l -> l.startsWith("pods ")).findFirst().orElse("")).contains("[get list watch]");
        assertThat(list).contains("configmaps").contains("[settings]").contains("selfsubjectaccessreviews.authorization.k8s.io")
                .contains("/healthz");
        verified("auth can-i --list -n team-a --as alice");
    }

    @Test
    @Order(6)
    void deletingTheBindingTakesTheRightAway() throws Exception {
        k.ok("delete", "rolebinding", "alice-reads", "-n", "team-a");
        long deadline = System.nanoTime() + 10_000_000_000L;
        Kubectl.Result r;
        do {
            r = kubectl(null, "auth", "can-i", "list", "pods", "-n", "team-a", "--as", "alice");
        } while (r.exitCode() == 0 && System.nanoTime() < deadline);
        assertThat(r.stdout().strip()).isEqualTo("no");
        verified("auth can-i list pods --as alice -> no, once the RoleBinding is deleted");
    }

    @Test
    @Order(7)
    void aNamespaceAdminGrantsOnlyWhatItHolds() throws Exception {
        k.ok("create", "rolebinding", "carol-admin", "--clusterrole=admin", "--user=carol", "-n", "team-a");
        canI(true, "create", "roles.rbac.authorization.k8s.io", "-n", "team-a", "--as", "carol");
        canI(false, "escalate", "roles.rbac.authorization.k8s.io", "-n", "team-a", "--as", "carol");
        k.ok("create", "role", "pod-viewer", "--verb=get,list", "--resource=pods", "-n", "team-a", "--as", "carol");
        verified("create role pod-viewer --verb=get,list --resource=pods -n team-a --as carol (an admin there)");
        Kubectl.Result nodes = k.exits(1, "create", "role", "node-reader", "--verb=get", "--resource=nodes", "-n", "team-a",
                "--as", "carol");
        assertThat(nodes.stderr()).contains("roles.rbac.authorization.k8s.io \"node-reader\" is forbidden: user \"carol\" "
                + "(groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:")
                .contains("{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}");
        verified("create role node-reader --verb=get --resource=nodes --as carol -> Forbidden, attempting to grant RBAC "
                + "permissions not currently held");
        Kubectl.Result bind = k.exits(1, "create", "rolebinding", "carol-root", "--clusterrole=cluster-admin", "--user=carol", "-n",
                "team-a", "--as", "carol");
        assertThat(bind.stderr()).contains("is attempting to grant RBAC permissions not currently held");
        verified("create rolebinding --clusterrole=cluster-admin --as carol -> Forbidden");
        k.ok("create", "rolebinding", "dave-edit", "--clusterrole=edit", "--user=dave", "-n", "team-a", "--as", "carol");
        canI(true, "create", "deployments.apps", "-n", "team-a", "--as", "dave");
        verified("create rolebinding dave-edit --clusterrole=edit --as carol -> created");
    }
}
