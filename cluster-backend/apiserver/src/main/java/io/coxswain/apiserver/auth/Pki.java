package io.coxswain.apiserver.auth;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster's certificate authority in a directory, as k3s keeps it: {@code ca.crt}/{@code ca.key} made on first
 * start and reused after, the serving certificate {@code server.crt}/{@code server.key} (made again when the SANs
 * asked for are not all in it), and client certificates it issues (CN = user, O = groups). RSA 2048 keys in PKCS#8
 * PEM, which Vert.x, Go's crypto/tls (kubectl) and fabric8 all read. Every file is written 0600.
 */
public final class Pki {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final Duration LEAF_LIFETIME = Duration.ofDays(365);

    /** A certificate with its key, both as PEM. */
    public record Issued(String certificatePem, String keyPem) {
    }

    private final Path dir;
    private final X509Certificate ca;
    private final PrivateKey caKey;

    private Pki(Path dir, X509Certificate ca, PrivateKey caKey) {
        this.dir = dir;
        this.ca = ca;
        this.caKey = caKey;
    }

    /** Opens the CA in {@code dir}, making it first if the directory has none. */
    public static Pki open(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path crt = dir.resolve("ca.crt");
            Path key = dir.resolve("ca.key");
            if (Files.exists(crt) && Files.exists(key)) {
                return new Pki(dir, readCertificate(Files.readString(crt)), readKey(Files.readString(key)));
            }
            KeyPair pair = newKeyPair();
            X500Name name = new X500Name("CN=coxswain-ca@" + Instant.now().getEpochSecond());
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(CA_LIFETIME)), name, pair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = convert(builder.build(signer(pair.getPrivate())));
            writePrivate(key, pem(pair.getPrivate()));
            writePrivate(crt, pem(certificate));
            return new Pki(dir, certificate, pair.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("could not make the cluster CA in " + dir, e);
        }
    }

    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    public Path serverCertFile() {
        return dir.resolve("server.crt");
    }

    public Path serverKeyFile() {
        return dir.resolve("server.key");
    }

    public String caPem() {
        return pem(ca);
    }

    public X509Certificate ca() {
        return ca;
    }

    /**
     * Makes sure {@code server.crt} covers every name and address in {@code sans} (plus localhost and 127.0.0.1):
     * an existing certificate from this CA that does is kept, otherwise a new one is issued.
     */
    public void ensureServing(List<String> sans) {
        Set<String> wanted = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
        for (String san : sans) {
            if (san != null && !san.isBlank()) {
                wanted.add(san.trim());
            }
        }
        try {
            if (Files.exists(serverCertFile()) && Files.exists(serverKeyFile())) {
                X509Certificate existing = readCertificate(Files.readString(serverCertFile()));
                if (signedByCa(existing) && covered(existing).containsAll(wanted)
                        && existing.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(30)))) {
                    return;
                }
            }
            Issued issued = issue("kube-apiserver", List.of(), List.copyOf(wanted), true);
            writePrivate(serverKeyFile(), issued.keyPem());
            writePrivate(serverCertFile(), issued.certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not read " + serverCertFile(), e);
        }
    }

    /** A client certificate for {@code user} in {@code groups}, signed by this CA. */
    public Issued issueClient(String user, List<String> groups) {
        return issue(user, groups, List.of(), false);
    }

    /** A serving certificate for {@code commonName} that covers {@code sans} (names and addresses), signed by this CA. */
    public Issued issueServing(String commonName, List<String> sans) {
        return issue(commonName, List.of(), sans, true);
    }

    /** Writes a client certificate and key as {@code name.crt} and {@code name.key} (0600) in this directory. */
    public Issued issueClientFiles(String name, String user, List<String> groups) {
        Issued issued = issueClient(user, groups);
        try {
            writePrivate(dir.resolve(name + ".key"), issued.keyPem());
            writePrivate(dir.resolve(name + ".crt"), issued.certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return issued;
    }

    private Issued issue(String commonName, List<String> organizations, List<String> sans, boolean server) {
        try {
            KeyPair pair = newKeyPair();
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
            for (String o : organizations) {
                subject.addRDN(BCStyle.O, o);
            }
            subject.addRDN(BCStyle.CN, commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(LEAF_LIFETIME)), subject.build(), pair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
            if (!sans.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String san : sans) {
                    names.add(isAddress(san) ? new GeneralName(GeneralName.iPAddress, san) : new GeneralName(GeneralName.dNSName, san));
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509Certificate certificate = convert(builder.build(signer(caKey)));
            return new Issued(pem(certificate), pem(pair.getPrivate()));
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("could not issue a certificate for " + commonName, e);
        }
    }

    private boolean signedByCa(X509Certificate certificate) {
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Set<String> covered(X509Certificate certificate) throws GeneralSecurityException {
        Set<String> names = new LinkedHashSet<>();
        var alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> entry : alternatives) {
                names.add(String.valueOf(entry.get(1)));
            }
        }
        return names;
    }

    private static boolean isAddress(String san) {
        if (san.matches("[0-9.]+") || san.contains(":")) {
            try {
                return InetAddress.getByName(san) != null;
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static ContentSigner signer(PrivateKey key) throws org.bouncycastle.operator.OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withRSA").build(key);
    }

    private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            // A JCA private key is written as PKCS#8 ("PRIVATE KEY"), not PKCS#1.
            writer.writeObject(object instanceof PrivateKey key ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY",
                    key.getEncoded()) : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The first certificate in a PEM text. */
    public static X509Certificate readCertificate(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IOException("no certificate in the PEM text");
            }
            return convert(holder);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static PrivateKey readKey(String pem) throws IOException {
        return io.coxswain.api.security.PrivateFiles.readKey(pem);
    }

    /** Writes a file readable and writable by its owner only: created 0600, never briefly wider. */
    public static void writePrivate(Path file, String text) throws IOException {
        io.coxswain.api.security.PrivateFiles.write(file, text);
    }
}
