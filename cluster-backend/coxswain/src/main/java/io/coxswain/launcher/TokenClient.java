package io.coxswain.launcher;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine.Option;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * What every {@code coxswain token} subcommand needs: a kubeconfig with the right to manage Secrets in kube-system (the
 * admin's), a client from it, and the cluster CA it trusts.
 */
final class TokenClient {

    @Option(names = "--kubeconfig", description = "an admin's kubeconfig (default: $KUBECONFIG, else ~/.coxswain/kubeconfig, "
            + "else ~/.kube/config)")
    Path kubeconfig;

    Path kubeconfigFile() {
        if (kubeconfig != null) {
            return kubeconfig;
        }
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env.split(java.io.File.pathSeparator)[0]);
        }
        Path coxswain = Path.of(System.getProperty("user.home"), ".coxswain", "kubeconfig");
        return Files.exists(coxswain) ? coxswain : Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    Config config() throws IOException {
        Path file = kubeconfigFile();
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read the kubeconfig " + file + " (give --kubeconfig FILE, an admin's kubeconfig)");
        }
        return Config.fromKubeconfig(null, file.toFile());
    }

    KubernetesClient client(Config config) {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The CA the kubeconfig trusts: what a joining node pins. */
    static X509Certificate ca(Config config) throws IOException {
        byte[] pem;
        if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
            pem = Base64.getMimeDecoder().decode(config.getCaCertData());
        } else if (config.getCaCertFile() != null) {
            pem = Files.readAllBytes(Path.of(config.getCaCertFile()));
        } else {
            throw new IOException("the kubeconfig names no certificate authority (certificate-authority-data): a joining node "
                    + "needs the cluster CA to pin");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        } catch (GeneralSecurityException e) {
            throw new IOException("the kubeconfig's certificate authority is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    static String pem(X509Certificate ca) throws IOException {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(ca.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** One line for a failed API call: the server's message, or that it could not be reached. */
    static String describe(KubernetesClientException e, Config config) {
        if (e.getCode() == 0) {
            return "cannot reach the apiserver at " + config.getMasterUrl() + ": " + RootCause.describe(e);
        }
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        return "the apiserver at " + config.getMasterUrl() + " refused: " + message;
    }
}
