package io.coxswain.client;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Delegated authentication and authorization of a component's own HTTPS port, as k8s.io/apiserver's delegating
 * authenticator and authorizer do for the kubelet, kube-scheduler and kube-controller-manager: a caller is the
 * subject of a client certificate the TLS handshake verified against the cluster CA (CN user, O groups), else the user
 * a TokenReview against the apiserver says its bearer token is; neither is 401. The caller then needs a
 * SubjectAccessReview's yes for the request's attributes; no is 403, and a review that could not be asked is 500.
 *
 * <p>Answers are cached as the kubelet caches them: a token 2 minutes when it is good and 30 s when not, a decision 5
 * minutes when allowed and 30 s when not. The reviews are blocking calls of the fabric8 client, so they run on worker
 * threads, never the event loop.
 *
 * @param <A> the attributes a request is authorized by (a kubelet's nodes subresource, a non-resource path)
 */
public final class DelegatedAuth<A> {

    public static final Duration TOKEN_TTL = Duration.ofMinutes(2);
    public static final Duration DECISION_TTL = Duration.ofMinutes(5);
    public static final Duration REFUSAL_TTL = Duration.ofSeconds(30);

    /** Who called. */
    public record Caller(String user, String uid, List<String> groups) {
    }

    /** The outcome of a request's checks: its HTTP status (200 when it may go on) and the text of a refusal. */
    public record Outcome(int status, String message) {
        public static final Outcome ALLOWED = new Outcome(200, "");
        public static final Outcome UNAUTHORIZED = new Outcome(401, "Unauthorized");

        public boolean allowed() {
            return status == 200;
        }
    }

    /** Asks the apiserver: a TokenReview for a token, a SubjectAccessReview for a caller and attributes. */
    public interface Reviewer<A> {
        /** The user the token stands for, or null. */
        Caller token(String token);

        boolean allowed(Caller caller, A attributes);
    }

    /** A non-resource request: the verb (get) and the path ({@code /metrics}). */
    public record NonResource(String verb, String path) {
    }

    private record Cached<T>(T value, long expiresAt) {
    }

    private record Decision<A>(Caller caller, A attributes) {
    }

    private final Vertx vertx;
    private final Reviewer<A> reviewer;
    private final Function<A, String> describe;
    private final Map<String, Cached<Caller>> tokens = new ConcurrentHashMap<>();
    private final Map<Decision<A>, Cached<Boolean>> decisions = new ConcurrentHashMap<>();

    /** @param describe the attributes as a refusal names them, after the user: {@code verb=get, resource=nodes, ...} */
    public DelegatedAuth(Vertx vertx, Reviewer<A> reviewer, Function<A, String> describe) {
        this.vertx = vertx;
        this.reviewer = reviewer;
        this.describe = describe;
    }

    /**
     * Authenticates and authorizes a request: 401 {@code Unauthorized} when nobody is known (or the TokenReview failed),
     * 403 {@code Forbidden (user=…, …)} when the SubjectAccessReview says no, and 500 {@code Authorization error (user=…,
     * …)} when it could not be asked.
     */
    public Future<Outcome> check(HttpServerRequest request, A attributes) {
        return caller(request).otherwise((Caller) null).compose(caller -> {
            if (caller == null) {
                return Future.succeededFuture(Outcome.UNAUTHORIZED);
            }
            String said = "(user=" + caller.user() + ", " + describe.apply(attributes) + ")";
            return cached(decisions, new Decision<>(caller, attributes), () -> reviewer.allowed(caller, attributes),
                    allowed -> allowed ? DECISION_TTL : REFUSAL_TTL)
                    .map(allowed -> allowed ? Outcome.ALLOWED : new Outcome(403, "Forbidden " + said))
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

    /** The cached answer while it lasts, else the reviewer's, asked on a worker thread and kept for its TTL. */
    private <K, T> Future<T> cached(Map<K, Cached<T>> cache, K key, java.util.concurrent.Callable<T> ask, Function<T, Duration> ttl) {
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

    /** A TokenReview through {@code client}: the user the token stands for, or null. */
    public static Caller tokenReview(KubernetesClient client, String token) {
        TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                || review.getStatus().getUser() == null) {
            return null;
        }
        var user = review.getStatus().getUser();
        return new Caller(user.getUsername(), user.getUid() == null ? "" : user.getUid(),
                user.getGroups() == null ? List.of() : List.copyOf(user.getGroups()));
    }

    /** A SubjectAccessReview of {@code spec}'s attributes for the caller: whether the apiserver allows it. */
    public static boolean accessReview(KubernetesClient client, Caller caller,
                                       java.util.function.UnaryOperator<SubjectAccessReviewBuilder> attributes) {
        SubjectAccessReview review = client.resource(attributes.apply(new SubjectAccessReviewBuilder()).editOrNewSpec()
                .withUser(caller.user()).withUid(caller.uid().isEmpty() ? null : caller.uid()).withGroups(caller.groups())
                .endSpec().build()).create();
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    }

    /** kube-scheduler's and kube-controller-manager's reviewer: a non-resource SubjectAccessReview of the path. */
    public static Reviewer<NonResource> nonResourceReviewer(KubernetesClient client) {
        return new Reviewer<>() {
            @Override
            public Caller token(String token) {
                return tokenReview(client, token);
            }

            @Override
            public boolean allowed(Caller caller, NonResource a) {
                return accessReview(client, caller, b -> b.editOrNewSpec().withNewNonResourceAttributes().withVerb(a.verb())
                        .withPath(a.path()).endNonResourceAttributes().endSpec());
            }
        };
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
