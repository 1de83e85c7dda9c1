package io.coxswain.client.bootstrap;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's credential files: written 0600, reused only whole, for this node, unexpired and with the certificate's own key. */
class NodeCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void writtenCredentialsAreReusedOnlyWhenTheyStillFit() throws Exception {
        KeyPair key = NodeCertificateRequest.newKey();
        Instant now = Instant.now();
        String certificate = pem(certificate(key, "a", now.minusSeconds(60), now.plus(Duration.ofHours(1))));
        NodeCredentials.write(dir, "https://127.0.0.1:6443", certificate, certificate, pemKey(key));
        for (Path f : new Path[]{NodeCredentials.caFile(dir), NodeCredentials.certificateFile(dir), NodeCredentials.keyFile(dir),
                NodeCredentials.kubeconfigFile(dir)}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------");
        }
        assertThat(NodeCredentials.reusable(dir, "a")).isPresent();
        assertThat(NodeCredentials.reusable(dir, "b")).as("another node's name").isEmpty();
        assertThat(NodeCredentials.reusable(dir.resolve("nothing"), "a")).isEmpty();

        // a key that is not the certificate's (a crash between the two writes)
        Files.writeString(NodeCredentials.keyFile(dir), pemKey(NodeCertificateRequest.newKey()));
        assertThat(NodeCredentials.reusable(dir, "a")).isEmpty();

        String expired = pem(certificate(key, "a", now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))));
        NodeCredentials.write(dir, "https://127.0.0.1:6443", expired, expired, pemKey(key));
        assertThat(NodeCredentials.reusable(dir, "a")).isEmpty();
    }

    @Test
    void renewalFallsBetweenSeventyAndNinetyPercentOfTheLifetime() throws Exception {
        KeyPair key = NodeCertificateRequest.newKey();
        Instant from = Instant.parse("2026-12-07T12:00:00Z");
        X509Certificate c = certificate(key, "a", from, from.plus(Duration.ofMinutes(100)));
        for (int i = 0; i < 200; i++) {
            Instant at = CertificateRotation.deadline(c);
            assertThat(at).isBetween(from.plus(Duration.ofMinutes(70)), from.plus(Duration.ofMinutes(90)));
        }
    }

    @Test
    void theRequestIsForTheNodeInSystemNodes() throws Exception {
        String pem = NodeCertificateRequest.csrPem(NodeCertificateRequest.newKey(), "a");
        var request = (org.bouncycastle.pkcs.PKCS10CertificationRequest) new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem)).readObject();
        assertThat(request.getSubject().toString()).isEqualTo("O=system:nodes,CN=system:node:a");
        assertThat(request.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.2.1");
    }

    private static X509Certificate certificate(KeyPair key, String node, Instant notBefore, Instant notAfter) throws Exception {
        X500Name subject = new X500Name("O=system:nodes,CN=system:node:" + node);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
                Date.from(notBefore), Date.from(notAfter), subject, key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    private static String pem(X509Certificate c) {
        return ClusterInfoDiscovery.pem(c);
    }

    private static String pemKey(KeyPair key) throws Exception {
        StringWriter out = new StringWriter();
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
            w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key.getPrivate(), null));
        }
        return out.toString();
    }
}
