package io.coxswain.apiserver.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TeamModeUnitsTest {

    @TempDir
    Path dir;

    @Test
    void tokenFileLinesAreKubeApiserversCsv() {
        var tokens = TokenFile.parse(List.of(
                "# comment",
                "t1,alice,u1,\"dev,ops\"",
                "t2,bob,u2",
                "t3, carol ,u3,\"\"",
                "broken"));
        assertThat(tokens).containsOnlyKeys("t1", "t2", "t3");
        assertThat(tokens.get("t1")).isEqualTo(new UserInfo("alice", "u1", List.of("dev", "ops", "system:authenticated")));
        assertThat(tokens.get("t2").groups()).containsExactly("system:authenticated");
        assertThat(tokens.get("t3").name()).isEqualTo("carol");
    }

    @Test
    void appendedTokensAreFoundAfterAReloadAndTheFileIs0600() throws Exception {
        Path file = dir.resolve("tokens.csv");
        try (TokenFile tokens = TokenFile.watch(file)) {
            String token = TokenFile.append(file, "alice", List.of("team-a"));
            tokens.reload();
            assertThat(tokens.user(token)).contains(new UserInfo("alice", tokens.user(token).orElseThrow().uid(),
                    List.of("team-a", "system:authenticated")));
            assertThat(tokens.user("nope")).isEmpty();
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThatThrownBy(() -> TokenFile.append(file, "eve,admin", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenFile.append(file, "eve", List.of("a\"b"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nodeRestrictionKeepsANodeToItsOwnObjects() {
        UserInfo node = new UserInfo("system:node:n1", "", List.of("system:nodes", "system:authenticated"));
        assertThat(NodeRestriction.decide(attrs(node, "patch", "", "nodes", null, null, "n1"), null)).isEqualTo(NodeRestriction.Outcome.ALLOW);
        assertThat(NodeRestriction.decide(attrs(node, "patch", "", "nodes", "status", null, "n2"), null)).isEqualTo(NodeRestriction.Outcome.DENY);
        assertThat(NodeRestriction.decide(attrs(node, "create", "", "nodes", null, null, null), null)).isEqualTo(NodeRestriction.Outcome.CHECK_BODY_NAME);
        assertThat(NodeRestriction.decide(attrs(node, "update", "coordination.k8s.io", "leases", null, "kube-node-lease", "n1"), null))
                .isEqualTo(NodeRestriction.Outcome.ALLOW);
        assertThat(NodeRestriction.decide(attrs(node, "update", "coordination.k8s.io", "leases", null, "kube-system", "n1"), null))
                .isEqualTo(NodeRestriction.Outcome.DENY);
        assertThat(NodeRestriction.decide(attrs(node, "patch", "", "pods", "status", "default", "p"), null)).isEqualTo(NodeRestriction.Outcome.CHECK_POD_BINDING);
        assertThat(NodeRestriction.decide(attrs(node, "update", "", "pods", null, "default", "p"), null)).isEqualTo(NodeRestriction.Outcome.DENY);
        assertThat(NodeRestriction.decide(attrs(node, "create", "", "events", null, "default", null), null)).isEqualTo(NodeRestriction.Outcome.ALLOW);
        assertThat(NodeRestriction.decide(attrs(node, "list", "", "configmaps", null, null, null), null)).isEqualTo(NodeRestriction.Outcome.DENY);
        // no pod references a Secret: the join tokens in kube-system stay out of its reach
        assertThat(NodeRestriction.decide(attrs(node, "list", "", "secrets", null, null, null), null)).isEqualTo(NodeRestriction.Outcome.DENY);
        assertThat(NodeRestriction.decide(attrs(node, "get", "", "secrets", null, "kube-system", "bootstrap-token-abcdef"), null))
                .isEqualTo(NodeRestriction.Outcome.DENY);
        UserInfo alice = new UserInfo("alice", "", List.of("system:authenticated"));
        assertThat(NodeRestriction.decide(attrs(alice, "patch", "", "nodes", null, null, "n1"), null)).isEqualTo(NodeRestriction.Outcome.NOT_A_NODE);
        // in the nodes group without a node name: refused
        UserInfo odd = new UserInfo("mallory", "", List.of("system:nodes"));
        assertThat(Authorizers.teamMode(Authorizer.ALLOW_ALL).authorize(attrs(odd, "get", "", "pods", null, "default", "p")).allowed()).isFalse();
        assertThat(Authorizers.teamMode(a -> new Authorizer.Decision(false, "no")).authorize(attrs(alice, "get", "", "pods", null, "d", "p"))
                .allowed()).isFalse();
    }

    private static RequestAttributes attrs(UserInfo user, String verb, String group, String resource, String sub, String ns, String name) {
        return new RequestAttributes(user, verb, true, group, resource, sub, ns, name, "/x");
    }

    @Test
    void theCaIsMadeOnceAndTheServingCertificateOnlyWhenNamesChange() throws Exception {
        Pki pki = Pki.open(dir.resolve("pki"));
        pki.ensureServing(List.of("a.example"));
        String ca = Files.readString(pki.caFile());
        String first = Files.readString(pki.serverCertFile());
        Pki again = Pki.open(dir.resolve("pki"));
        again.ensureServing(List.of("a.example"));
        assertThat(Files.readString(again.caFile())).isEqualTo(ca);
        assertThat(Files.readString(again.serverCertFile())).isEqualTo(first);
        again.ensureServing(List.of("a.example", "10.0.0.7"));
        assertThat(Files.readString(again.serverCertFile())).isNotEqualTo(first);
        var issued = again.issueClient("bob", List.of("ops", "dev"));
        var cert = Pki.readCertificate(issued.certificatePem());
        cert.verify(again.ca().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=bob").contains("O=ops").contains("O=dev");
    }
}
