package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.auth.UserInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube-apiserver's service account token authenticator ({@code pkg/serviceaccount/jwt.go} with its bound-token and
 * legacy validators). A JWT whose {@code iss} is this issuer (or the legacy {@code kubernetes/serviceaccount}) and whose
 * signature is one of the verifying keys' stands for {@code system:serviceaccount:NS:NAME} when: it is meant for one of
 * the audiences asked for (bound tokens; the API's own by default); it is within {@code nbf}..{@code exp} with go-jose's
 * one-minute leeway; its ServiceAccount, and the Pod, Secret or Node it is bound to, still exist with the uid it names
 * (and were not deleted more than the leeway ago). A legacy token must still be the token its Secret holds. Everything
 * is read from {@link BoundObjects}, in memory. A refusal is logged with its reason, never with the token.
 */
public final class ServiceAccountTokenAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountTokenAuthenticator.class);
    /** go-jose's jwt.DefaultLeeway, which kube validates times and deletions with. */
    static final Duration LEEWAY = Duration.ofMinutes(1);
    static final String EXTRA_POD_NAME = "authentication.kubernetes.io/pod-name";
    static final String EXTRA_POD_UID = "authentication.kubernetes.io/pod-uid";
    static final String EXTRA_NODE_NAME = "authentication.kubernetes.io/node-name";
    static final String EXTRA_NODE_UID = "authentication.kubernetes.io/node-uid";
    static final String EXTRA_CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

    private final ServiceAccountKeys keys;
    private final TokenSigner signer;
    private final BoundObjects objects;
    private final Clock clock;

    public ServiceAccountTokenAuthenticator(ServiceAccountKeys keys, BoundObjects objects, Clock clock) {
        this.keys = keys;
        this.signer = new TokenSigner(keys);
        this.objects = objects;
        this.clock = clock;
    }

    /** The user of a bearer token meant for the API itself; empty when it is no service account token or is refused. */
    public Optional<UserInfo> user(String token) {
        return user(token, keys.apiAudiences());
    }

    /** The user of a token meant for one of {@code audiences} (a TokenReview's, or the API's own). */
    public Optional<UserInfo> user(String token, List<String> audiences) {
        Optional<ObjectNode> claims = TokenSigner.claims(token);
        if (claims.isEmpty()) {
            return Optional.empty();
        }
        String iss = claims.get().path("iss").asText("");
        boolean legacy = TokenClaims.LEGACY_ISSUER.equals(iss);
        if (!legacy && !keys.issuedHere(iss)) {
            return Optional.empty();
        }
        if (!signer.verified(token)) {
            LOG.debug("service account token refused: its signature is not one of the verifying keys'");
            return Optional.empty();
        }
        try {
            return Optional.of(legacy ? legacyUser(token, claims.get()) : boundUser(claims.get(), audiences));
        } catch (Refused e) {
            LOG.debug("service account token of {} refused: {}", claims.get().path("sub").asText("?"), e.getMessage());
            return Optional.empty();
        }
    }

    private UserInfo boundUser(JsonNode claims, List<String> audiences) {
        List<String> tokenAudiences = new ArrayList<>();
        JsonNode aud = claims.path("aud");
        if (aud.isTextual()) {
            tokenAudiences.add(aud.asText());
        } else {
            aud.forEach(a -> tokenAudiences.add(a.asText()));
        }
        if (tokenAudiences.stream().noneMatch(audiences::contains)) {
            throw new Refused("token audiences " + quoted(tokenAudiences) + " is invalid for the target audiences " + quoted(audiences));
        }
        Instant now = clock.instant();
        if (claims.has("exp") && now.minus(LEEWAY).getEpochSecond() > claims.path("exp").asLong()) {
            throw new Refused("service account token has expired");
        }
        if (claims.has("nbf") && now.plus(LEEWAY).getEpochSecond() < claims.path("nbf").asLong()) {
            throw new Refused("service account token is not valid yet");
        }
        if (claims.has("iat") && now.plus(LEEWAY).getEpochSecond() < claims.path("iat").asLong()) {
            throw new Refused("service account token is issued in the future");
        }
        Instant deletedBefore = now.minus(LEEWAY);
        JsonNode k8s = claims.path("kubernetes.io");
        String namespace = k8s.path("namespace").asText("");
        JsonNode sa = k8s.path("serviceaccount");
        String saName = sa.path("name").asText("");
        String saUid = sa.path("uid").asText("");
        if (namespace.isEmpty() || saName.isEmpty()) {
            throw new Refused("the token names no service account");
        }
        LiveObject account = objects.serviceAccount(namespace, saName);
        if (account == null || account.deletedBefore(deletedBefore)) {
            throw new Refused("service account " + namespace + "/" + saName + " has been deleted");
        }
        if (!account.uid().equals(saUid)) {
            throw new Refused("service account UID (" + account.uid() + ") does not match claim (" + saUid + ")");
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        JsonNode secret = k8s.path("secret");
        if (secret.isObject()) {
            BoundObjects.TokenSecret s = objects.secret(namespace, secret.path("name").asText(""));
            LiveObject live = s == null ? null : s.live();
            if (live == null || live.deletedBefore(deletedBefore)) {
                throw new Refused("secret " + namespace + "/" + secret.path("name").asText("") + " has been deleted");
            }
            if (!live.uid().equals(secret.path("uid").asText(""))) {
                throw new Refused("secret UID (" + live.uid() + ") does not match service account secret ref claim ("
                        + secret.path("uid").asText("") + ")");
            }
        }
        JsonNode pod = k8s.path("pod");
        if (pod.isObject()) {
            String podName = pod.path("name").asText("");
            LiveObject live = objects.pod(namespace, podName);
            if (live == null || live.deletedBefore(deletedBefore)) {
                throw new Refused("pod " + namespace + "/" + podName + " has been deleted");
            }
            if (!live.uid().equals(pod.path("uid").asText(""))) {
                throw new Refused("pod UID (" + live.uid() + ") does not match service account pod ref claim ("
                        + pod.path("uid").asText("") + ")");
            }
            extra.put(EXTRA_POD_NAME, List.of(podName));
            extra.put(EXTRA_POD_UID, List.of(live.uid()));
        }
        JsonNode node = k8s.path("node");
        if (node.isObject()) {
            String nodeName = node.path("name").asText("");
            if (!pod.isObject()) {
                LiveObject live = objects.node(nodeName);
                if (live == null || live.deletedBefore(deletedBefore)) {
                    throw new Refused("node " + nodeName + " has been deleted");
                }
                if (!live.uid().equals(node.path("uid").asText(""))) {
                    throw new Refused("node UID (" + live.uid() + ") does not match service account node ref claim ("
                            + node.path("uid").asText("") + ")");
                }
            }
            extra.put(EXTRA_NODE_NAME, List.of(nodeName));
            if (!node.path("uid").asText("").isEmpty()) {
                extra.put(EXTRA_NODE_UID, List.of(node.path("uid").asText()));
            }
        }
        String jti = claims.path("jti").asText("");
        if (!jti.isEmpty()) {
            extra.put(EXTRA_CREDENTIAL_ID, List.of("JTI=" + jti));
        }
        return user(namespace, saName, saUid, extra);
    }

    private UserInfo legacyUser(String token, JsonNode claims) {
        String namespace = claims.path(TokenClaims.LEGACY_PREFIX + "namespace").asText("");
        String saName = claims.path(TokenClaims.LEGACY_PREFIX + "service-account.name").asText("");
        String saUid = claims.path(TokenClaims.LEGACY_PREFIX + "service-account.uid").asText("");
        String secretName = claims.path(TokenClaims.LEGACY_PREFIX + "secret.name").asText("");
        if (namespace.isEmpty() || saName.isEmpty() || secretName.isEmpty()) {
            throw new Refused("the legacy token lacks its namespace, service account or secret name");
        }
        if (!TokenClaims.username(namespace, saName).equals(claims.path("sub").asText(""))) {
            throw new Refused("the legacy token's subject does not match its service account");
        }
        BoundObjects.TokenSecret secret = objects.secret(namespace, secretName);
        if (secret == null || secret.live() == null || secret.live().deletedSince() != null) {
            throw new Refused("secret " + namespace + "/" + secretName + " referenced by token has been deleted");
        }
        if (!MessageDigest.isEqual(secret.token().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            throw new Refused("token does not match the token of secret " + namespace + "/" + secretName);
        }
        LiveObject account = objects.serviceAccount(namespace, saName);
        if (account == null || account.deletedSince() != null) {
            throw new Refused("service account " + namespace + "/" + saName + " has been deleted");
        }
        if (!account.uid().equals(saUid)) {
            throw new Refused("service account UID (" + account.uid() + ") does not match claim (" + saUid + ")");
        }
        return user(namespace, saName, saUid, Map.of());
    }

    private static UserInfo user(String namespace, String name, String uid, Map<String, List<String>> extra) {
        return new UserInfo(TokenClaims.username(namespace, name), uid,
                List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"), Map.copyOf(extra));
    }

    /** Go's %q of a []string: {@code ["a" "b"]}. */
    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(" ", "[", "]"));
    }

    /** Why a well-signed token stands for no one. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
