package io.coxswain.kubelet.server;

import io.coxswain.api.CertificateSubject;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the kubelet's {@code --authentication-token-webhook --authorization-mode=Webhook --client-ca-file} (and
 * {@code --anonymous-auth=false}) do for its own API. A caller is the subject of a client certificate the TLS handshake
 * verified against the cluster CA (CN user, O groups), else the user a TokenReview against the apiserver says its bearer
 * token is; neither is 401. The user then needs a SubjectAccessReview's yes for the request's attributes, mapped as
 * the kubelet's {@code pkg/kubelet/server/auth.go} maps them: verb from the HTTP method, resource {@code nodes}, name
 * this node, subresource from the path ({@code /stats} stats, {@code /metrics} metrics, {@code /logs} log,
 * {@code /spec} spec, anything else, {@code /containerLogs} included, proxy); no is 403 with the kubelet's text.
 *
 * <p>Answers are cached as the kubelet caches them: a token 2 minutes when it is good and 30 s when not, a decision 5
 * minutes when allowed and 30 s when not. The reviews are blocking calls of the fabric8 client, so they run on worker
 * threads, never the event loop.
 */
public final class KubeletAuth {

    static final Duration TOKEN_TTL = Duration.ofMinutes(2);
    static final Duration DECISION_TTL = Duration.ofMinutes(5);
    static final Duration REFUSAL_TTL = Duration.ofSeconds(30);

    /** Who called. */
    public record Caller(String user, String uid, List<String> groups) {
    }

    /** The authorization attributes of a request to the kubelet's API (resource nodes, name the node's). */
    public record Attributes(String verb, String subresource) {
    }

    /** The outcome of a request's checks: its HTTP status (200 when it may go on) and the text of a refusal. */
    public record Outcome(int status, String message) {
        static final Outcome ALLOWED = new Outcome(200, "");
        static final Outcome UNAUTHORIZED = new Outcome(401, "Unauthorized");

        public boolean allowed() {
            return status == 200;
        }
    }

    /** Asks the apiserver: a TokenReview for a token, a SubjectAccessReview for a caller and attributes. */
    public interface Reviewer {
        /** The user the token stands for, or null. */
        Caller token(String token);

        boolean allowed(Caller caller, String node, Attributes attributes);
    }

    private record Cached<T>(T value, long expiresAt) {
    }

    private final Vertx vertx;
    private final String nodeName;
    private final Reviewer reviewer;
    private final Map<String, Cached<Caller>> tokens = new ConcurrentHashMap<>();
    private final Map<String, Cached<Boolean>> decisions = new ConcurrentHashMap<>();

    public KubeletAuth(Vertx vertx, String nodeName, Reviewer reviewer) {
        this.vertx = vertx;
        this.nodeName = nodeName;
        this.reviewer = reviewer;
    }

    /** The kubelet's reviewer: TokenReviews and SubjectAccessReviews through its own client of the apiserver. */
    public static Reviewer apiReviewer(KubernetesClient client) {
        return new Reviewer() {
            @Override
            public Caller token(String token) {
                TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
                if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                        || review.getStatus().getUser() == null) {
                    return null;
                }
                var user = review.getStatus().getUser();
                return new Caller(user.getUsername(), user.getUid() == null ? "" : user.getUid(),
                        user.getGroups() == null ? List.of() : List.copyOf(user.getGroups()));
            }

            @Override
            public boolean allowed(Caller caller, String node, Attributes a) {
                SubjectAccessReview review = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                        .withUser(caller.user()).withUid(caller.uid().isEmpty() ? null : caller.uid()).withGroups(caller.groups())
                        .withNewResourceAttributes().withVerb(a.verb()).withGroup("").withVersion("v1").withResource("nodes")
                        .withSubresource(a.subresource()).withName(node).endResourceAttributes()
                        .endSpec().build()).create();
                return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
            }
        };
    }

    /**
     * Authenticates and authorizes a request, with the kubelet's answers: 401 {@code Unauthorized} when nobody is
     * known (or the TokenReview failed), 403 {@code Forbidden (user=…)} when the SubjectAccessReview says no, and 500
     * {@code Authorization error (user=…)} when it could not be asked.
     */
    public Future<Outcome> check(HttpServerRequest request) {
        Attributes attributes = attributes(request.method().name(), request.path());
        return caller(request).otherwise((Caller) null).compose(caller -> {
            if (caller == null) {
                return Future.succeededFuture(Outcome.UNAUTHORIZED);
            }
            String said = "(user=" + caller.user() + ", verb=" + attributes.verb() + ", resource=nodes, subresource="
                    + attributes.subresource() + ")";
            return decide(caller, attributes).map(allowed -> allowed ? Outcome.ALLOWED : new Outcome(403, "Forbidden " + said))
                    .otherwise(new Outcome(500, "Authorization error " + said));
        });
    }

    private Future<Caller> caller(HttpServerRequest request) {
        if (request.isSSL()) {
            try {
                CertificateSubject subject = CertificateSubject.of(request.connection().peerCertificates());
                if (subject != null) {
                    return Future.succeededFuture(new Caller(subject.user(), "", subject.groups()));
                }
            } catch (SSLPeerUnverifiedException e) {
                // no certificate: a token, or nobody
            }
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            return Future.succeededFuture(null);
        }
        String token = header.substring(7).trim();
        return cached(tokens, sha256(token), () -> reviewer.token(token), caller -> caller != null ? TOKEN_TTL : REFUSAL_TTL);
    }

    private Future<Boolean> decide(Caller caller, Attributes a) {
        String key = caller.user() + "\u0000" + caller.uid() + "\u0000" + String.join(",", caller.groups()) + "\u0000" + a.verb()
                + "\u0000" + a.subresource();
        return cached(decisions, key, () -> reviewer.allowed(caller, nodeName, a), allowed -> allowed ? DECISION_TTL : REFUSAL_TTL);
    }

    /** The cached answer while it lasts, else the reviewer's, asked on a worker thread and kept for its TTL. */
    private <T> Future<T> cached(Map<String, Cached<T>> cache, String key, java.util.concurrent.Callable<T> ask,
                                 Function<T, Duration> ttl) {
        Cached<T> hit = cache.get(key);
        long now = System.nanoTime();
        if (hit != null && now - hit.expiresAt() < 0) {
            return Future.succeededFuture(hit.value());
        }
        return vertx.executeBlocking(ask, false).onSuccess(value -> {
            if (cache.size() > 10_000) {
                cache.clear(); // a bound on what callers cycling through tokens can make it keep
            }
            cache.put(key, new Cached<>(value, System.nanoTime() + ttl.apply(value).toNanos()));
        });
    }

    /** The kubelet's attributes of a request: the verb from the method, the subresource from the path. */
    public static Attributes attributes(String method, String path) {
        String verb = switch (method.toUpperCase(Locale.ROOT)) {
            case "POST" -> "create";
            case "GET" -> "get";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "";
        };
        String subresource = "proxy";
        if (isSubpath(path, "/stats")) {
            subresource = "stats";
        } else if (isSubpath(path, "/metrics")) {
            subresource = "metrics";
        } else if (isSubpath(path, "/logs")) {
            subresource = "log"; // as pods/log
        } else if (isSubpath(path, "/spec")) {
            subresource = "spec";
        }
        return new Attributes(verb, subresource);
    }

    /** The kubelet's isSubpath: the path itself, or below it. */
    static boolean isSubpath(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix) && path.length() > prefix.length() && path.charAt(prefix.length()) == '/';
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
