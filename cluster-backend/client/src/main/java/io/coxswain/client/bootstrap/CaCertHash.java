package io.coxswain.client.bootstrap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * kubeadm's {@code --discovery-token-ca-cert-hash}: {@code sha256:} and the hex SHA-256 of the CA certificate's
 * SubjectPublicKeyInfo (kubeadm's pubkeypin), so a joining node trusts the CA it was told about and no other.
 */
public final class CaCertHash {

    private CaCertHash() {
    }

    public static String of(X509Certificate ca) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Normalises a hash given on a command line; refuses any form but {@code sha256:<64 hex digits>}. */
    public static String parse(String hash) {
        String h = hash == null ? "" : hash.strip().toLowerCase(Locale.ROOT);
        if (!h.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a CA hash has the form sha256:<64 hex digits>, as `coxswain token create` prints it; got \""
                    + (hash == null ? "" : hash.strip()) + "\"");
        }
        return h;
    }

    public static boolean matches(X509Certificate ca, String hash) {
        return MessageDigest.isEqual(of(ca).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                parse(hash).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
