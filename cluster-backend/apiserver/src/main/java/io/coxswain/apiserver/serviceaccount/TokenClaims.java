package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The claims of a bound service account token, as kube's {@code pkg/serviceaccount/claims.go} writes them (keys in
 * go-jose's sorted order): {@code aud}, {@code exp}, {@code iat}, {@code iss}, {@code jti}, the private
 * {@code kubernetes.io} claim (namespace, node, pod, secret, serviceaccount, warnafter), {@code nbf} and {@code sub}.
 */
final class TokenClaims {

    /** One object a token names: its name and uid (a pod's node may come without uid). */
    record Ref(String name, String uid) {
    }

    /** The legacy tokens' issuer, which kube still accepts for Secret-based tokens. */
    static final String LEGACY_ISSUER = "kubernetes/serviceaccount";
    static final String LEGACY_PREFIX = "kubernetes.io/serviceaccount/";

    private TokenClaims() {
    }

    /** The claims of a bound token; at most one of pod and secret, and node only beside a pod or alone. */
    static ObjectNode bound(String issuer, String namespace, Ref serviceAccount, List<String> audiences, Instant now,
                            long expirationSeconds, long warnAfterSeconds, Ref pod, Ref secret, Ref node) {
        ObjectNode claims = JsonNodeFactory.instance.objectNode();
        audiences.forEach(claims.putArray("aud")::add);
        claims.put("exp", now.getEpochSecond() + expirationSeconds);
        claims.put("iat", now.getEpochSecond());
        claims.put("iss", issuer);
        claims.put("jti", UUID.randomUUID().toString());
        ObjectNode k8s = claims.putObject("kubernetes.io");
        k8s.put("namespace", namespace);
        putRef(k8s, "node", node);
        putRef(k8s, "pod", pod);
        putRef(k8s, "secret", secret);
        putRef(k8s, "serviceaccount", serviceAccount);
        if (warnAfterSeconds > 0) {
            k8s.put("warnafter", now.getEpochSecond() + warnAfterSeconds);
        }
        claims.put("nbf", now.getEpochSecond());
        claims.put("sub", username(namespace, serviceAccount.name()));
        return claims;
    }

    /** The claims of a legacy Secret-based token (kube's LegacyClaims): no expiry, no audience. */
    static ObjectNode legacy(String namespace, String serviceAccount, String serviceAccountUid, String secretName) {
        ObjectNode claims = JsonNodeFactory.instance.objectNode();
        claims.put("iss", LEGACY_ISSUER);
        claims.put(LEGACY_PREFIX + "namespace", namespace);
        claims.put(LEGACY_PREFIX + "secret.name", secretName);
        claims.put(LEGACY_PREFIX + "service-account.name", serviceAccount);
        claims.put(LEGACY_PREFIX + "service-account.uid", serviceAccountUid);
        claims.put("sub", username(namespace, serviceAccount));
        return claims;
    }

    static String username(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }

    private static void putRef(ObjectNode into, String field, Ref ref) {
        if (ref == null) {
            return;
        }
        ObjectNode o = into.putObject(field);
        if (!ref.name().isEmpty()) {
            o.put("name", ref.name());
        }
        if (ref.uid() != null && !ref.uid().isEmpty()) {
            o.put("uid", ref.uid());
        }
    }
}
