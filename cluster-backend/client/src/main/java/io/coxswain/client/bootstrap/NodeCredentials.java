package io.coxswain.client.bootstrap;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * A joined node's credentials in its data directory, as the kubelet keeps its {@code --kubeconfig} after TLS
 * bootstrapping: {@code pki/ca.crt} (the cluster CA discovery pinned), {@code pki/node-client.crt} and
 * {@code pki/node-client.key} (ECDSA P-256, made on the node), and {@code node.kubeconfig} that names those files. All
 * 0600. A renewal replaces the certificate and key; the kubeconfig stays the same.
 */
public record NodeCredentials(Path dataDir, X509Certificate certificate) {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCredentials.class);

    public static Path caFile(Path dataDir) {
        return dataDir.resolve("pki").resolve("ca.crt");
    }

    public static Path certificateFile(Path dataDir) {
        return dataDir.resolve("pki").resolve("node-client.crt");
    }

    public static Path keyFile(Path dataDir) {
        return dataDir.resolve("pki").resolve("node-client.key");
    }

    public static Path kubeconfigFile(Path dataDir) {
        return dataDir.resolve("node.kubeconfig");
    }

    /**
     * The credentials a previous start wrote, if they are whole, for this node, and still valid; empty otherwise (the
     * log says why), and the node bootstraps again, as the kubelet falls back to its bootstrap kubeconfig.
     */
    public static Optional<NodeCredentials> reusable(Path dataDir, String nodeName) {
        if (!Files.isRegularFile(kubeconfigFile(dataDir)) || !Files.isRegularFile(certificateFile(dataDir))
                || !Files.isRegularFile(keyFile(dataDir)) || !Files.isRegularFile(caFile(dataDir))) {
            return Optional.empty();
        }
        try {
            X509Certificate certificate = readCertificate(Files.readString(certificateFile(dataDir)));
            PrivateKey key = readKey(Files.readString(keyFile(dataDir)));
            String subject = certificate.getSubjectX500Principal().getName();
            if (!subject.contains("CN=" + NodeCertificateRequest.USER_PREFIX + nodeName + ",") && !subject.endsWith("CN="
                    + NodeCertificateRequest.USER_PREFIX + nodeName)) {
                LOG.info("credentials: {} is for {}, not node {}; bootstrapping again", certificateFile(dataDir), subject, nodeName);
                return Optional.empty();
            }
            if (!Instant.now().isBefore(certificate.getNotAfter().toInstant())) {
                LOG.info("credentials: the certificate in {} expired at {}; bootstrapping again", certificateFile(dataDir),
                        certificate.getNotAfter().toInstant());
                return Optional.empty();
            }
            if (!pair(key, certificate)) {
                LOG.info("credentials: the key in {} is not the certificate's; bootstrapping again", keyFile(dataDir));
                return Optional.empty();
            }
            return Optional.of(new NodeCredentials(dataDir, certificate));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.info("credentials: cannot read {} ({}); bootstrapping again", dataDir, ClusterInfoDiscovery.describe(e));
            return Optional.empty();
        }
    }

    /** Writes the CA, certificate, key and kubeconfig (0600); the certificate last, so a crash never pairs a new key with an old one unnoticed. */
    public static NodeCredentials write(Path dataDir, String server, String caPem, String certificatePem, String keyPem) throws IOException {
        Files.createDirectories(dataDir.resolve("pki"));
        writePrivate(caFile(dataDir), caPem);
        writePrivate(keyFile(dataDir), keyPem);
        writePrivate(certificateFile(dataDir), certificatePem);
        writePrivate(kubeconfigFile(dataDir), kubeconfig(dataDir, server));
        try {
            return new NodeCredentials(dataDir, readCertificate(certificatePem));
        } catch (GeneralSecurityException e) {
            throw new IOException("the issued certificate cannot be read", e);
        }
    }

    /** A client configuration on these files; built fresh, it reads the current certificate (the one a renewal wrote). */
    public Config clientConfig(String server) {
        return new ConfigBuilder(Config.empty()).withMasterUrl(server).withCaCertFile(caFile(dataDir).toString())
                .withClientCertFile(certificateFile(dataDir).toString()).withClientKeyFile(keyFile(dataDir).toString())
                .withClientKeyAlgo("EC").build();
    }

    private static String kubeconfig(Path dataDir, String server) {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: coxswain\n  cluster:\n    server: " + server
                + "\n    certificate-authority: " + caFile(dataDir).toAbsolutePath() + "\nusers:\n- name: node\n  user:\n"
                + "    client-certificate: " + certificateFile(dataDir).toAbsolutePath() + "\n    client-key: "
                + keyFile(dataDir).toAbsolutePath() + "\ncontexts:\n- name: node\n  context:\n    cluster: coxswain\n    user: node\n"
                + "current-context: node\n";
    }

    static X509Certificate readCertificate(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static PrivateKey readKey(String pem) throws IOException {
        return io.coxswain.api.security.PrivateFiles.readKey(pem);
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean pair(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        byte[] probe = "coxswain".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance("SHA256withECDSA");
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(certificate.getPublicKey());
        verify.update(probe);
        return verify.verify(signature);
    }

    /** Owner-only and atomic, as the apiserver's PKI writes its keys. */
    static void writePrivate(Path file, String text) throws IOException {
        io.coxswain.api.security.PrivateFiles.write(file, text);
    }
}
