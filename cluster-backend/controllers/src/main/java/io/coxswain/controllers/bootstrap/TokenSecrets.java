package io.coxswain.controllers.bootstrap;

import io.coxswain.client.bootstrap.BootstrapToken;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** Reading bootstrap-token Secrets as cluster-bootstrap's secret util does, for both controllers. */
final class TokenSecrets {

    static final String NAMESPACE = "kube-system";

    private TokenSecrets() {
    }

    static boolean isTokenSecret(Secret s) {
        return s != null && s.getMetadata() != null && NAMESPACE.equals(s.getMetadata().getNamespace())
                && BootstrapToken.SECRET_TYPE.equals(s.getType());
    }

    /** GetData: the decoded value, "" when missing. */
    static String get(Secret s, String key) {
        String v = s.getData() == null ? null : s.getData().get(key);
        if (v == null) {
            return "";
        }
        try {
            return new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The expiration instant, or null when there is none or it does not parse (HasExpired counts the latter as passed). */
    static Instant expiration(Secret s) {
        String value = get(s, BootstrapToken.KEY_EXPIRATION);
        try {
            return value.isEmpty() ? null : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static boolean expired(Secret s, Instant now) {
        return BootstrapToken.hasExpired(get(s, BootstrapToken.KEY_EXPIRATION), now);
    }

    /**
     * bootstrapsigner's validateSecretForSigning: the token a Secret holds when it may sign cluster-info (its name matches
     * its id, usage-bootstrap-signing=true, not expired), else null.
     */
    static BootstrapToken signingToken(Secret s, Instant now) {
        if (!isTokenSecret(s)) {
            return null;
        }
        String id = get(s, BootstrapToken.KEY_ID);
        String secret = get(s, BootstrapToken.KEY_SECRET);
        if (!BootstrapToken.looksLikeToken(id + "." + secret) || !s.getMetadata().getName().equals(BootstrapToken.SECRET_PREFIX + id)
                || !"true".equals(get(s, BootstrapToken.KEY_USAGE_SIGNING)) || expired(s, now)) {
            return null;
        }
        return new BootstrapToken(id, secret);
    }
}
