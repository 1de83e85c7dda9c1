package io.coxswain.schemas;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RBAC kinds take kube's path-segment names (system:node), other kinds keep DNS-1123 names. */
class RbacNamesTest {

    private static ValidationReport validate(String yaml) {
        return ManifestValidator.standard().validate(ManifestReader.read(yaml).get(0).content());
    }

    @Test
    void rbacNamesMayHoldColonsButNotSlashes() {
        assertThat(validate("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:kube-scheduler"}
                rules: [{verbs: [get], apiGroups: [""], resources: [pods]}]
                """).problems()).isEmpty();
        assertThat(validate("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "a/b"}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                """).problems()).extracting(ValidationProblem::pointer).containsExactly("/metadata/name");
        assertThat(validate("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: "system:x"}
                """).problems()).extracting(ValidationProblem::pointer).containsExactly("/metadata/name");
    }

    @Test
    void aRoleBindingNeedsARoleRefAndKnownSubjectKinds() {
        assertThat(validate("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: b, namespace: n}
                subjects: [{kind: Robot, name: r}]
                """).problems()).extracting(ValidationProblem::pointer).contains("/roleRef", "/subjects/0/kind");
    }
}
