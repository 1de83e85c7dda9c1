package io.coxswain.controllers.certificates;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The local signer on a CA made here: validity, usages, subject, issuer; and the kubelet client request checks. */
class ClusterSignerTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static X509Certificate ca;
    private static ClusterSigner signer;
    private static KeyPair key;

    @BeforeAll
    static void ca() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair caKey = rsa.generateKeyPair();
        X500Name name = new X500Name("CN=test-ca");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(NOW.minusSeconds(3600)),
                Date.from(NOW.plus(Duration.ofDays(400))), name, caKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey.getPrivate())));
        signer = new ClusterSigner(ca, caKey.getPrivate(), Duration.ofDays(365), Clock.fixed(NOW, ZoneOffset.UTC));
        key = rsa.generateKeyPair();
    }

    private static PKCS10CertificationRequest request(String subject) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
    }

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void lifetimeIsTheRequestedOneWithinTenMinutesAndTheMaximum() {
        assertThat(signer.lifetime(null)).isEqualTo(Duration.ofDays(365));
        assertThat(signer.lifetime(3600)).isEqualTo(Duration.ofHours(1));
        assertThat(signer.lifetime(60)).isEqualTo(Duration.ofMinutes(10));
        assertThat(signer.lifetime(Integer.MAX_VALUE)).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void signsTheSubjectAndKeyWithTheUsagesAskedFor() throws Exception {
        X509Certificate issued = parse(signer.sign(request("O=system:nodes,CN=system:node:a"),
                List.of("digital signature", "key encipherment", "client auth"), Duration.ofHours(1)));
        issued.verify(ca.getPublicKey());
        assertThat(issued.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:a,O=system:nodes");
        assertThat(issued.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(issued.getPublicKey()).isEqualTo(key.getPublic());
        assertThat(issued.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(issued.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(issued.getKeyUsage()[0]).as("digital signature").isTrue();
        assertThat(issued.getKeyUsage()[2]).as("key encipherment").isTrue();
        assertThat(issued.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(issued.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void neverOutlivesTheCa() throws Exception {
        X509Certificate issued = parse(signer.sign(request("CN=long"), List.of("client auth"), Duration.ofDays(3650)));
        assertThat(issued.getNotAfter()).isEqualTo(ca.getNotAfter());
    }

    @Test
    void kubeletClientRequestsAreNodesWithClientUsagesOnly() throws Exception {
        List<String> usages = List.of("digital signature", "client auth");
        assertThat(Requests.kubeletClientProblem(request("O=system:nodes,CN=system:node:a"), usages)).isNull();
        assertThat(Requests.kubeletClientProblem(request("O=system:nodes,CN=system:node:a"),
                List.of("digital signature", "key encipherment", "client auth"))).isNull();
        assertThat(Requests.kubeletClientProblem(request("O=system:masters,CN=system:node:a"), usages))
                .isEqualTo("subject organization is not system:nodes");
        assertThat(Requests.kubeletClientProblem(request("O=system:nodes,CN=alice"), usages))
                .isEqualTo("subject common name does not begin with system:node:");
        assertThat(Requests.kubeletClientProblem(request("O=system:nodes,CN=system:node:a"), List.of("client auth", "server auth")))
                .startsWith("usages did not match");
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "a")));
        PKCS10CertificationRequest withSan = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=system:nodes,CN=system:node:a"),
                key.getPublic()).addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()));
        assertThat(Requests.kubeletClientProblem(withSan, usages)).isEqualTo("subjectAltNames are not allowed");
    }
}
