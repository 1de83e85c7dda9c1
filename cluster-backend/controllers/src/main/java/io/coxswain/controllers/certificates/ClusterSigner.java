package io.coxswain.controllers.certificates;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * kube-controller-manager's local signer ({@code pkg/controller/certificates/authority}): the cluster CA from
 * {@code --cluster-signing-cert-file}/{@code --cluster-signing-key-file} signs a PKCS#10 request's subject and public key,
 * with the usages the CertificateSigningRequest names, backdated 5 minutes against clock skew, never past the CA's own end.
 */
final class ClusterSigner {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    /** kube's shortest: a request for less gets 10 minutes. */
    static final Duration MINIMUM = Duration.ofSeconds(600);

    private static final Map<String, Integer> KEY_USAGES = Map.of(
            "signing", KeyUsage.digitalSignature, "digital signature", KeyUsage.digitalSignature,
            "content commitment", KeyUsage.nonRepudiation, "key encipherment", KeyUsage.keyEncipherment,
            "key agreement", KeyUsage.keyAgreement, "data encipherment", KeyUsage.dataEncipherment,
            "cert sign", KeyUsage.keyCertSign, "crl sign", KeyUsage.cRLSign,
            "encipher only", KeyUsage.encipherOnly, "decipher only", KeyUsage.decipherOnly);
    private static final Map<String, KeyPurposeId> EXTENDED_USAGES = Map.ofEntries(
            Map.entry("any", KeyPurposeId.anyExtendedKeyUsage), Map.entry("server auth", KeyPurposeId.id_kp_serverAuth),
            Map.entry("client auth", KeyPurposeId.id_kp_clientAuth), Map.entry("code signing", KeyPurposeId.id_kp_codeSigning),
            Map.entry("email protection", KeyPurposeId.id_kp_emailProtection), Map.entry("s/mime", KeyPurposeId.id_kp_emailProtection),
            Map.entry("ipsec end system", KeyPurposeId.id_kp_ipsecEndSystem), Map.entry("ipsec tunnel", KeyPurposeId.id_kp_ipsecTunnel),
            Map.entry("ipsec user", KeyPurposeId.id_kp_ipsecUser), Map.entry("timestamping", KeyPurposeId.id_kp_timeStamping),
            Map.entry("ocsp signing", KeyPurposeId.id_kp_OCSPSigning), Map.entry("microsoft sgc", purpose("1.3.6.1.4.1.311.10.3.3")),
            Map.entry("netscape sgc", purpose("2.16.840.1.113730.4.1")));

    private static KeyPurposeId purpose(String oid) {
        return KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid));
    }

    private final X509Certificate ca;
    private final PrivateKey key;
    private final Duration maximum;
    private final Clock clock;

    ClusterSigner(X509Certificate ca, PrivateKey key, Duration maximum, Clock clock) {
        this.ca = ca;
        this.key = key;
        this.maximum = maximum;
        this.clock = clock;
    }

    /** Reads the CA's PEM files; a clear error names the file that is missing or is not what it should be. */
    static ClusterSigner fromFiles(Path certFile, Path keyFile, Duration maximum) {
        try (PEMParser certs = new PEMParser(new StringReader(Files.readString(certFile)));
             PEMParser keys = new PEMParser(new StringReader(Files.readString(keyFile)))) {
            if (!(certs.readObject() instanceof X509CertificateHolder holder)) {
                throw new IllegalArgumentException("no CERTIFICATE in the cluster signing cert file " + certFile);
            }
            Object k = keys.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey privateKey = k instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
                    : k instanceof PrivateKeyInfo info ? converter.getPrivateKey(info) : null;
            if (privateKey == null) {
                throw new IllegalArgumentException("no private key in the cluster signing key file " + keyFile);
            }
            return new ClusterSigner(new JcaX509CertificateConverter().getCertificate(holder), privateKey, maximum, Clock.systemUTC());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not read the cluster signing files " + certFile + ", " + keyFile, e);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("the cluster signing cert file " + certFile + " holds no valid certificate", e);
        }
    }

    /** kube's duration(): the signer's own unless the request asks for less; never under 10 minutes. */
    Duration lifetime(Integer expirationSeconds) {
        if (expirationSeconds == null) {
            return maximum;
        }
        Duration asked = Duration.ofSeconds(expirationSeconds);
        if (asked.compareTo(MINIMUM) < 0) {
            return MINIMUM;
        }
        return asked.compareTo(maximum) < 0 ? asked : maximum;
    }

    /** Signs the request for this long; the result is PEM. Unknown usages are an IllegalArgumentException. */
    String sign(PKCS10CertificationRequest request, List<String> usages, Duration lifetime) throws Exception {
        int keyUsage = 0;
        List<KeyPurposeId> extended = new ArrayList<>();
        for (String usage : usages) {
            if (KEY_USAGES.containsKey(usage)) {
                keyUsage |= KEY_USAGES.get(usage);
            } else if (EXTENDED_USAGES.containsKey(usage)) {
                extended.add(EXTENDED_USAGES.get(usage));
            } else {
                throw new IllegalArgumentException("unknown key usage " + usage);
            }
        }
        Instant now = Instant.now(clock);
        Instant notAfter = now.plus(lifetime);
        if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant();
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(BACKDATE)), Date.from(notAfter), request.getSubject(),
                new JcaPEMKeyConverter().getPublicKey(request.getSubjectPublicKeyInfo()));
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (keyUsage != 0) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        }
        if (!extended.isEmpty()) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(extended.toArray(KeyPurposeId[]::new)));
        }
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
        var san = Requests.subjectAltNames(request);
        if (san != null) {
            builder.addExtension(san);
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(key)));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
        }
        return out.toString();
    }
}
