package io.coxswain.tests.join;

import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.client.bootstrap.CaCertHash;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.JarProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * The cluster side of a join, as a person makes it on the first machine: {@code coxswain token create}, whose token
 * the controller-manager's bootstrapsigner signs cluster-info for. A second token has only the signing usage, not
 * authentication: discovery passes with it, and the apiserver refuses its CSR (401).
 */
final class BootstrapTokenFixture {

    /** The token the apiserver takes and cluster-info is signed for. */
    static BootstrapToken token;
    /** Signed in cluster-info, but not an authentication token: discovery passes, the CSR is refused (401). */
    static BootstrapToken signingOnly;

    private BootstrapTokenFixture() {
    }

    /** Both tokens, made with the jar's token create; returns once cluster-info carries both signatures. */
    static void createTokens(ApiServerProcess api, KubernetesClient admin, Path dir) throws Exception {
        token = create(api, dir, "signing,authentication");
        signingOnly = create(api, dir, "signing");
        admin.configMaps().inNamespace(BootstrapToken.CLUSTER_INFO_NAMESPACE).withName(BootstrapToken.CLUSTER_INFO)
                .waitUntilCondition(cm -> signed(cm, token) && signed(cm, signingOnly), 60, TimeUnit.SECONDS);
    }

    private static BootstrapToken create(ApiServerProcess api, Path dir, String usages) throws Exception {
        JarProcess.Run run = JarProcess.run(dir, "token", "create", "--kubeconfig", api.kubeconfig().toString(),
                "--server", api.url(), "--usages", usages, "--description", "NodeJoinTest");
        if (run.exit() != 0) {
            throw new IllegalStateException("token create exited with " + run.exit() + ": " + run.err());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("--token (\\S+)").matcher(run.out());
        if (!m.find()) {
            throw new IllegalStateException("token create printed no token: " + run.out());
        }
        return BootstrapToken.parse(m.group(1));
    }

    private static boolean signed(ConfigMap cm, BootstrapToken t) {
        return cm != null && cm.getData() != null && cm.getData().containsKey(BootstrapToken.JWS_KEY_PREFIX + t.id());
    }

    /** {@code --discovery-token-ca-cert-hash} of the CA in {@code caFile}, as {@code coxswain token create} prints it. */
    static String caHash(Path caFile) throws Exception {
        try (var in = Files.newInputStream(caFile)) {
            return CaCertHash.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }
}
