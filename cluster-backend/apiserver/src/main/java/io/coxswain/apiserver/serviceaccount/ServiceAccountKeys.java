package io.coxswain.apiserver.serviceaccount;

import io.coxswain.api.security.PrivateFiles;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service account token issuer's keys and names, as kube-apiserver's flags give them: the private key tokens are
 * signed with ({@code --service-account-signing-key-file}), the public keys tokens are verified with
 * ({@code --service-account-key-file}, which may hold older keys during a rotation), the issuer
 * ({@code --service-account-issuer}) and the API's own audiences ({@code --api-audiences}, the issuer by default).
 * Keys are RSA, tokens RS256, as kubeadm makes them. Each key is known by kube's key id: the unpadded base64url
 * SHA-256 of its PKIX (DER) encoding.
 */
public record ServiceAccountKeys(RSAPrivateCrtKey signingKey, String signingKeyId, Map<String, RSAPublicKey> publicKeys,
                                 String issuer, List<String> apiAudiences) {

    /** kubeadm's {@code --service-account-issuer}, which every in-cluster client expects. */
    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
    /** The file names kubeadm keeps the pair under, beside the CA. */
    public static final String KEY_FILE = "sa.key";
    public static final String PUBLIC_KEY_FILE = "sa.pub";

    public ServiceAccountKeys {
        publicKeys = Map.copyOf(publicKeys);
        apiAudiences = List.copyOf(apiAudiences);
    }

    /**
     * The keys from the flags. {@code signingKeyFile} null: {@code <pkiDir>/sa.key}, made (with {@code sa.pub}) on the
     * first start. {@code keyFiles} empty: the signing key's own public key. {@code audiences} empty: the issuer.
     */
    public static ServiceAccountKeys load(Path pkiDir, Path signingKeyFile, List<Path> keyFiles, String issuer,
                                          List<String> audiences) {
        try {
            Path signing = signingKeyFile;
            if (signing == null) {
                signing = pkiDir.resolve(KEY_FILE);
                if (!Files.exists(signing)) {
                    generate(signing, pkiDir.resolve(PUBLIC_KEY_FILE));
                }
            }
            PrivateKey key = PrivateFiles.readKey(Files.readString(signing));
            if (!(key instanceof RSAPrivateCrtKey rsa)) {
                throw new IllegalArgumentException("the service account signing key " + signing + " is not an RSA key ("
                        + key.getAlgorithm() + "): tokens are signed RS256");
            }
            RSAPublicKey own = publicOf(rsa);
            Map<String, RSAPublicKey> verify = new LinkedHashMap<>();
            verify.put(keyId(own), own);
            for (Path file : keyFiles) {
                for (RSAPublicKey k : readPublicKeys(file)) {
                    verify.put(keyId(k), k);
                }
            }
            String iss = issuer == null || issuer.isBlank() ? DEFAULT_ISSUER : issuer;
            List<String> auds = audiences == null || audiences.isEmpty() ? List.of(iss) : audiences;
            return new ServiceAccountKeys(rsa, keyId(own), verify, iss, auds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service account keys: " + e.getMessage(), e);
        }
    }

    /** A key pair held in memory only, for an apiserver without a PKI directory (plain HTTP, tests). */
    public static ServiceAccountKeys ephemeral() {
        KeyPair pair = newPair();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        return new ServiceAccountKeys((RSAPrivateCrtKey) pair.getPrivate(), keyId(pub), Map.of(keyId(pub), pub), DEFAULT_ISSUER,
                List.of(DEFAULT_ISSUER));
    }

    /** The issuer's accepted names: only the configured one (kube accepts several; one is all our flags take). */
    public boolean issuedHere(String iss) {
        return issuer.equals(iss);
    }

    private static void generate(Path keyFile, Path publicFile) throws IOException {
        KeyPair pair = newPair();
        PrivateFiles.write(keyFile, pem(pair.getPrivate()));
        PrivateFiles.write(publicFile, pem(pair.getPublic()));
    }

    private static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA key generator", e);
        }
    }

    private static String pem(Object key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key instanceof PrivateKey p ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(p, null) : key);
        }
        return out.toString();
    }

    static RSAPublicKey publicOf(RSAPrivateCrtKey key) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    /** Every RSA key in a PEM file (public keys, private keys, certificates), as kube's keyutil.ParsePublicKeysPEM. */
    static List<RSAPublicKey> readPublicKeys(Path file) throws IOException {
        List<RSAPublicKey> out = new ArrayList<>();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                PublicKey key;
                if (o instanceof SubjectPublicKeyInfo info) {
                    key = converter.getPublicKey(info);
                } else if (o instanceof PEMKeyPair pair) {
                    key = converter.getKeyPair(pair).getPublic();
                } else if (o instanceof PrivateKeyInfo info && converter.getPrivateKey(info) instanceof RSAPrivateCrtKey rsa) {
                    key = publicOf(rsa);
                } else if (o instanceof X509CertificateHolder cert) {
                    key = converter.getPublicKey(cert.getSubjectPublicKeyInfo());
                } else {
                    continue;
                }
                if (key instanceof RSAPublicKey rsa) {
                    out.add(rsa);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no RSA public key in " + file);
        }
        return out;
    }

    /** kube's keyIDFromPublicKey: base64url (no padding) of the SHA-256 of the key's PKIX DER. */
    static String keyId(PublicKey key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
