package io.coxswain.client.bootstrap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The signature that proves cluster-info came from someone who knows a bootstrap token, as
 * {@code k8s.io/cluster-bootstrap/token/jws} makes it: a compact JWS, HS256 keyed by the token's secret, with
 * {@code kid} = the token's id, and the payload cut out ({@code header..signature}). Byte-identical to go-jose's output,
 * so kubeadm's signatures verify here and ours there.
 */
public final class DetachedJws {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private DetachedJws() {
    }

    public static String sign(String content, BootstrapToken token) {
        return sign(content, token.id(), token.secret());
    }

    static String sign(String content, String id, String secret) {
        // go-jose marshals the protected header from a map: keys in sorted order, no spaces
        String header = B64.encodeToString(("{\"alg\":\"HS256\",\"kid\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        String payload = B64.encodeToString(content.getBytes(StandardCharsets.UTF_8));
        return header + ".." + B64.encodeToString(hmac(secret, header + "." + payload));
    }

    /** Whether {@code detached} is this token's signature of {@code content}; compared in constant time. */
    public static boolean verify(String detached, String content, BootstrapToken token) {
        return detached != null && MessageDigest.isEqual(sign(content, token).getBytes(StandardCharsets.UTF_8),
                detached.strip().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
