package io.coxswain.apiserver.auth.bootstrap;

import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.client.bootstrap.BootstrapToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * kube-apiserver's bootstrap token authenticator ({@code plugin/pkg/auth/authenticator/token/bootstrap}): a bearer token
 * {@code <id>.<secret>} stands for {@code system:bootstrap:<id>} when Secret kube-system/bootstrap-token-&lt;id&gt; is of
 * type bootstrap.kubernetes.io/token, not being deleted, holds the same secret (compared in constant time) and id, has
 * not expired and is marked usage-bootstrap-authentication=true. The groups are system:bootstrappers, its
 * auth-extra-groups, and system:authenticated. Every refusal is logged with its reason, never with the secret.
 */
public final class BootstrapTokenAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokenAuthenticator.class);

    /** Why a token that looks like a bootstrap token was refused; the user when it was not. */
    public record Outcome(UserInfo user, String refusal) {
        static Outcome refused(String why) {
            return new Outcome(null, why);
        }
    }

    private final Function<String, TokenSecret> secrets;
    private final Clock clock;

    /** @param secrets the Secret in kube-system by name, or null: an in-memory index, never a store read */
    BootstrapTokenAuthenticator(Function<String, TokenSecret> secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    public static BootstrapTokenAuthenticator over(BootstrapTokenIndex index) {
        return new BootstrapTokenAuthenticator(index::get, Clock.systemUTC());
    }

    /** The user of {@code token}, or empty when it is no bootstrap token or is refused (the reason then logged). */
    public Optional<UserInfo> user(String token) {
        if (!BootstrapToken.looksLikeToken(token)) {
            return Optional.empty();
        }
        Outcome outcome = authenticate(BootstrapToken.parse(token));
        if (outcome.user() == null) {
            LOG.info("bootstrap token {} refused: {}", BootstrapToken.parse(token).id(), outcome.refusal());
        }
        return Optional.ofNullable(outcome.user());
    }

    Outcome authenticate(BootstrapToken token) {
        TokenSecret secret = secrets.apply(token.secretName());
        if (secret == null) {
            return Outcome.refused("unknown token id: no Secret kube-system/" + token.secretName());
        }
        if (!secret.isBootstrapToken()) {
            return Outcome.refused("Secret kube-system/" + secret.name() + " is of type " + secret.type() + ", not "
                    + BootstrapToken.SECRET_TYPE);
        }
        if (secret.deleting()) {
            return Outcome.refused("Secret kube-system/" + secret.name() + " is deleted and awaiting removal");
        }
        if (!MessageDigest.isEqual(secret.get(BootstrapToken.KEY_SECRET).getBytes(StandardCharsets.UTF_8),
                token.secret().getBytes(StandardCharsets.UTF_8))) {
            return Outcome.refused("wrong secret: it does not match " + BootstrapToken.KEY_SECRET + " of Secret kube-system/"
                    + secret.name());
        }
        if (!secret.get(BootstrapToken.KEY_ID).equals(token.id())) {
            return Outcome.refused("Secret kube-system/" + secret.name() + " has another " + BootstrapToken.KEY_ID);
        }
        String expired = expired(secret, clock.instant());
        if (expired != null) {
            return Outcome.refused(expired);
        }
        if (!"true".equals(secret.get(BootstrapToken.KEY_USAGE_AUTHENTICATION))) {
            return Outcome.refused("Secret kube-system/" + secret.name() + " is not marked "
                    + BootstrapToken.KEY_USAGE_AUTHENTICATION + "=true");
        }
        List<String> groups = new ArrayList<>();
        groups.add(BootstrapToken.DEFAULT_GROUP);
        for (String g : secret.get(BootstrapToken.KEY_EXTRA_GROUPS).split(",")) {
            String group = g.strip();
            if (group.isEmpty() || groups.contains(group)) {
                continue;
            }
            if (!BootstrapToken.GROUP_PATTERN.matcher(group).matches()) {
                return Outcome.refused("Secret kube-system/" + secret.name() + " has an invalid " + BootstrapToken.KEY_EXTRA_GROUPS
                        + ": \"" + group + "\" does not match " + BootstrapToken.GROUP_PATTERN.pattern());
            }
            groups.add(group);
        }
        groups.add("system:authenticated");
        return new Outcome(new UserInfo(token.user(), "", List.copyOf(groups)), null);
    }

    /** Why the token counts as expired (cluster-bootstrap's HasExpired), or null while it is valid. */
    static String expired(TokenSecret secret, Instant now) {
        String expiration = secret.get(BootstrapToken.KEY_EXPIRATION);
        return BootstrapToken.hasExpired(expiration, now) ? "expired: its expiration is " + expiration : null;
    }
}
