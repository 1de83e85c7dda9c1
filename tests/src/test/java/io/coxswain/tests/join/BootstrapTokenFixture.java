package io.coxswain.tests.join;

import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.client.bootstrap.CaCertHash;
import io.coxswain.client.bootstrap.DetachedJws;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cluster side of a join, made by hand the way kubeadm's init makes it, until {@code coxswain token create} does:
 * the token as a static bearer token of user {@code system:bootstrap:<id>} in group {@code system:bootstrappers} (a line
 * of the apiserver's {@code --token-auth-file}, written before the apiserver starts), the kube-public/cluster-info
 * ConfigMap with the cluster's kubeconfig and its {@code jws-kubeconfig-<id>} signatures, and kubeadm's Role and
 * RoleBinding that let anonymous read it ({@code kubeadm:bootstrap-signer-clusterinfo}). The bootstrappers' and nodes'
 * CSR bindings are the apiserver's own (BootstrapPolicy).
 */
final class BootstrapTokenFixture {

    /** The token the apiserver takes and cluster-info is signed for. */
    static final BootstrapToken TOKEN = BootstrapToken.parse("jn17ok.0123456789abcdef");
    /** Signed in cluster-info, but the apiserver does not take it: discovery passes, the CSR is refused (401). */
    static final BootstrapToken REVOKED = BootstrapToken.parse("jn17rv.0123456789abcdef");

    private BootstrapTokenFixture() {
    }

    /** The apiserver's {@code --token-auth-file}: token,user,uid,"groups". */
    static Path tokenFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("join-tokens.csv"),
                TOKEN + "," + TOKEN.user() + "," + TOKEN.id() + ",\"" + BootstrapToken.DEFAULT_GROUP + "\"\n");
    }

    /** cluster-info for {@code server} with the cluster CA of {@code caFile}, signed for both tokens; anonymous may read it. */
    static void publishClusterInfo(KubernetesClient admin, String server, Path caFile) throws IOException {
        String caData = Base64.getEncoder().encodeToString(Files.readString(caFile).getBytes(StandardCharsets.US_ASCII));
        // kubeadm's cluster-info kubeconfig: the one cluster, no users
        String kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: " + caData
                + "\n    server: " + server + "\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\npreferences: {}\nusers: null\n";
        Map<String, String> data = new LinkedHashMap<>();
        data.put(BootstrapToken.CLUSTER_INFO_KUBECONFIG, kubeconfig);
        data.put(BootstrapToken.JWS_KEY_PREFIX + TOKEN.id(), DetachedJws.sign(kubeconfig, TOKEN));
        data.put(BootstrapToken.JWS_KEY_PREFIX + REVOKED.id(), DetachedJws.sign(kubeconfig, REVOKED));
        admin.configMaps().inNamespace(BootstrapToken.CLUSTER_INFO_NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(BootstrapToken.CLUSTER_INFO).endMetadata().withData(data).build()).create();
        // kubeadm's clusterinfo phase lets anonymous read it; createOr: the apiserver's BootstrapPolicy may hold it already
        String reader = "kubeadm:bootstrap-signer-clusterinfo";
        admin.rbac().roles().inNamespace(BootstrapToken.CLUSTER_INFO_NAMESPACE).resource(new RoleBuilder().withNewMetadata()
                .withName(reader).endMetadata().addNewRule().withApiGroups("").withResources("configmaps")
                .withResourceNames(BootstrapToken.CLUSTER_INFO).withVerbs("get").endRule().build()).createOr(NonDeletingOperation::update);
        admin.rbac().roleBindings().inNamespace(BootstrapToken.CLUSTER_INFO_NAMESPACE).resource(new RoleBindingBuilder().withNewMetadata()
                .withName(reader).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName(reader).endRoleRef().addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User")
                .withName("system:anonymous").endSubject().build()).createOr(NonDeletingOperation::update);
    }

    /** {@code --discovery-token-ca-cert-hash} of the CA in {@code caFile}, as {@code coxswain token create} prints it. */
    static String caHash(Path caFile) throws Exception {
        try (var in = Files.newInputStream(caFile)) {
            return CaCertHash.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }
}
