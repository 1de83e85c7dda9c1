package io.coxswain.kubelet.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelet's token manager: bound service account tokens for projected volumes from the TokenRequest API
 * ({@code POST /api/v1/namespaces/NS/serviceaccounts/SA/token}, bound to the pod by name and uid), kept until kube's
 * refresh rule says a new one is due: 80% of its lifetime gone, or older than 24 hours.
 */
final class ServiceAccountTokens {

    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    private static final Duration MAX_TTL = Duration.ofHours(24);

    /** Posts a TokenRequest for a service account of a namespace; the answer holds status.token. */
    interface Requester {
        TokenRequest create(String namespace, String serviceAccount, TokenRequest request);
    }

    record Token(String value, Instant expires, long lifetimeSeconds) {
        /** When kube's token manager asks again: 80% of the lifetime, or 24 hours after issue, whichever is first. */
        Instant refreshAt() {
            Instant issued = expires.minusSeconds(lifetimeSeconds);
            Instant eighty = expires.minusSeconds(lifetimeSeconds * 20 / 100);
            Instant dayOld = issued.plus(MAX_TTL);
            return eighty.isBefore(dayOld) ? eighty : dayOld;
        }
    }

    private record Key(String podUid, String namespace, String serviceAccount, List<String> audiences, long expirationSeconds) {
    }

    private final Requester requester;
    private final Clock clock;
    private final Map<Key, Token> tokens = new ConcurrentHashMap<>();

    ServiceAccountTokens(Requester requester, Clock clock) {
        this.requester = requester;
        this.clock = clock;
    }

    static Requester apiRequester(KubernetesClient client) {
        return (ns, sa, request) -> client.serviceAccounts().inNamespace(ns).withName(sa).tokenRequest(request);
    }

    /** The pod's token for this projection: the cached one while it is fresh, else a new one. */
    Token token(Pod pod, ServiceAccountTokenProjection source) {
        String sa = pod.getSpec().getServiceAccountName();
        if (sa == null || sa.isEmpty()) {
            sa = "default";
        }
        List<String> audiences = source.getAudience() == null || source.getAudience().isEmpty() ? List.of() : List.of(source.getAudience());
        long seconds = source.getExpirationSeconds() == null ? DEFAULT_EXPIRATION_SECONDS : source.getExpirationSeconds();
        Key key = new Key(pod.getMetadata().getUid(), pod.getMetadata().getNamespace(), sa, audiences, seconds);
        Token cached = tokens.get(key);
        if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
            return cached;
        }
        TokenRequest request = new TokenRequestBuilder().withNewSpec().withAudiences(audiences).withExpirationSeconds(seconds)
                .withBoundObjectRef(new BoundObjectReferenceBuilder().withKind("Pod").withApiVersion("v1")
                        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build())
                .endSpec().build();
        TokenRequest answer = requester.create(key.namespace(), sa, request);
        if (answer == null || answer.getStatus() == null || answer.getStatus().getToken() == null
                || answer.getStatus().getToken().isEmpty()) {
            throw new PodVolumes.MountError("the TokenRequest for service account " + key.namespace() + "/" + sa + " returned no token");
        }
        Instant expires = answer.getStatus().getExpirationTimestamp() == null
                ? clock.instant().plusSeconds(seconds) : Instant.parse(answer.getStatus().getExpirationTimestamp());
        // the server may grant another lifetime than asked for: the refresh follows what it granted
        long granted = answer.getSpec() != null && answer.getSpec().getExpirationSeconds() != null
                ? answer.getSpec().getExpirationSeconds() : seconds;
        Token token = new Token(answer.getStatus().getToken(), expires, granted);
        tokens.put(key, token);
        return token;
    }

    /** Drops a pod's tokens once it is gone. */
    void forget(String podUid) {
        tokens.keySet().removeIf(k -> Objects.equals(k.podUid(), podUid));
    }
}
