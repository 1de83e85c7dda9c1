package io.coxswain.client.bootstrap;

import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bootstrap token, {@code abcdef.0123456789abcdef}: a public id and a secret, as kubeadm and
 * {@code k8s.io/cluster-bootstrap} define them. The id names the Secret {@code kube-system/bootstrap-token-<id>} that
 * holds it; the secret is the password. The constants are cluster-bootstrap's, so a kubeadm-made token works here.
 */
public record BootstrapToken(String id, String secret) {

    public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
    public static final String SECRET_PREFIX = "bootstrap-token-";
    public static final String KEY_ID = "token-id";
    public static final String KEY_SECRET = "token-secret";
    public static final String KEY_EXPIRATION = "expiration";
    public static final String KEY_DESCRIPTION = "description";
    public static final String KEY_EXTRA_GROUPS = "auth-extra-groups";
    public static final String KEY_USAGE_AUTHENTICATION = "usage-bootstrap-authentication";
    public static final String KEY_USAGE_SIGNING = "usage-bootstrap-signing";
    public static final String USER_PREFIX = "system:bootstrap:";
    public static final String DEFAULT_GROUP = "system:bootstrappers";
    /** An extra group must sit under system:bootstrappers (cluster-bootstrap's BootstrapGroupPattern). */
    public static final Pattern GROUP_PATTERN = Pattern.compile("\\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\z");
    /** The public ConfigMap a joining node reads before it trusts anything: kube-public/cluster-info. */
    public static final String CLUSTER_INFO_NAMESPACE = "kube-public";
    public static final String CLUSTER_INFO = "cluster-info";
    public static final String CLUSTER_INFO_KUBECONFIG = "kubeconfig";
    public static final String JWS_KEY_PREFIX = "jws-kubeconfig-";

    private static final Pattern TOKEN = Pattern.compile("\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z");
    private static final Pattern ID = Pattern.compile("\\A[a-z0-9]{6}\\z");
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

    public BootstrapToken {
        if (id == null || !ID.matcher(id).matches() || secret == null || !secret.matches("[a-z0-9]{16}")) {
            throw new IllegalArgumentException("a bootstrap token is [a-z0-9]{6}.[a-z0-9]{16}");
        }
    }

    /** Parses {@code id.secret}; the message says what a token looks like and never repeats the input. */
    public static BootstrapToken parse(String token) {
        Matcher m = token == null ? null : TOKEN.matcher(token.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("the token does not have the form [a-z0-9]{6}.[a-z0-9]{16}, e.g. abcdef.0123456789abcdef");
        }
        return new BootstrapToken(m.group(1), m.group(2));
    }

    /** Whether {@code s} looks like a token (for a bearer credential that may be another kind of token). */
    public static boolean looksLikeToken(String s) {
        return s != null && TOKEN.matcher(s).matches();
    }

    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    public static BootstrapToken generate(SecureRandom random) {
        return new BootstrapToken(randomString(random, 6), randomString(random, 16));
    }

    /**
     * cluster-bootstrap's {@code HasExpired} over the Secret's {@code expiration} value (RFC 3339): empty never expires,
     * and one that does not parse counts as expired, so a damaged Secret is never trusted.
     */
    public static boolean hasExpired(String expiration, java.time.Instant now) {
        if (expiration == null || expiration.isEmpty()) {
            return false;
        }
        try {
            return now.isAfter(java.time.OffsetDateTime.parse(expiration).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
    }

    public String secretName() {
        return SECRET_PREFIX + id;
    }

    public String user() {
        return USER_PREFIX + id;
    }

    @Override
    public String toString() {
        return id + "." + secret;
    }

    private static String randomString(SecureRandom random, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
