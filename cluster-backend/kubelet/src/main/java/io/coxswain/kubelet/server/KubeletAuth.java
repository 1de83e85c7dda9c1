package io.coxswain.kubelet.server;

import io.coxswain.client.DelegatedAuth;
import io.coxswain.client.DelegatedAuth.Caller;
import io.coxswain.client.DelegatedAuth.Outcome;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.Locale;

/**
 * What the kubelet's {@code --authentication-token-webhook --authorization-mode=Webhook --client-ca-file} (and
 * {@code --anonymous-auth=false}) do for its own API, through the client machinery's {@link DelegatedAuth}: a client
 * certificate of the cluster CA or a bearer token a TokenReview vouches for, then a SubjectAccessReview of the request's
 * attributes, mapped as the kubelet's {@code pkg/kubelet/server/auth.go} maps them: verb from the HTTP method, resource
 * {@code nodes}, name this node, subresource from the path ({@code /stats} stats, {@code /metrics} metrics, {@code /logs}
 * log, {@code /spec} spec, anything else, {@code /containerLogs} included, proxy); no is 403 with the kubelet's text.
 */
public final class KubeletAuth {

    static final Duration TOKEN_TTL = DelegatedAuth.TOKEN_TTL;
    static final Duration DECISION_TTL = DelegatedAuth.DECISION_TTL;
    static final Duration REFUSAL_TTL = DelegatedAuth.REFUSAL_TTL;

    /** The authorization attributes of a request to the kubelet's API (resource nodes, name the node's). */
    public record Attributes(String verb, String subresource) {
    }

    /** Asks the apiserver: a TokenReview for a token, a SubjectAccessReview for a caller, this node and attributes. */
    public interface Reviewer {
        /** The user the token stands for, or null. */
        Caller token(String token);

        boolean allowed(Caller caller, String node, Attributes attributes);
    }

    private final DelegatedAuth<Attributes> auth;

    public KubeletAuth(Vertx vertx, String nodeName, Reviewer reviewer) {
        this.auth = new DelegatedAuth<>(vertx, new DelegatedAuth.Reviewer<>() {
            @Override
            public Caller token(String token) {
                return reviewer.token(token);
            }

            @Override
            public boolean allowed(Caller caller, Attributes attributes) {
                return reviewer.allowed(caller, nodeName, attributes);
            }
        }, a -> "verb=" + a.verb() + ", resource=nodes, subresource=" + a.subresource());
    }

    /** The kubelet's reviewer: TokenReviews and SubjectAccessReviews through its own client of the apiserver. */
    public static Reviewer apiReviewer(KubernetesClient client) {
        return new Reviewer() {
            @Override
            public Caller token(String token) {
                return DelegatedAuth.tokenReview(client, token);
            }

            @Override
            public boolean allowed(Caller caller, String node, Attributes a) {
                return DelegatedAuth.accessReview(client, caller, b -> b.editOrNewSpec().withNewResourceAttributes().withVerb(a.verb())
                        .withGroup("").withVersion("v1").withResource("nodes").withSubresource(a.subresource()).withName(node)
                        .endResourceAttributes().endSpec());
            }
        };
    }

    /**
     * Authenticates and authorizes a request, with the kubelet's answers: 401 {@code Unauthorized} when nobody is
     * known (or the TokenReview failed), 403 {@code Forbidden (user=…)} when the SubjectAccessReview says no, and 500
     * {@code Authorization error (user=…)} when it could not be asked.
     */
    public Future<Outcome> check(HttpServerRequest request) {
        return auth.check(request, attributes(request.method().name(), request.path()));
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
}
