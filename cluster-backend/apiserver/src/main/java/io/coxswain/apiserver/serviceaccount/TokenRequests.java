package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST .../serviceaccounts/NAME/token}: kube's TokenRequest REST ({@code pkg/registry/core/serviceaccount/storage/
 * token.go}). Checks the request (name and namespace as the URL's, expirationSeconds 600..2^32, 3600 by default, the
 * API's audiences when none), finds the ServiceAccount and the object the token is bound to (a Pod running as that
 * account, a Secret or a Node, with the uid asked for), signs the claims and answers the TokenRequest with its status.
 * A pod-bound token for the API with kubelet's 3607 seconds lives a year but warns after 3607, as kube's
 * {@code --service-account-extend-token-expiration} (on by default) does; the status still says 3607.
 */
public final class TokenRequests {

    /** kube's MinTokenAgeSec, the v1 default, and the kubelet's WarnOnlyBoundTokenExpirationSeconds. */
    static final long MIN_SECONDS = 600;
    static final long DEFAULT_SECONDS = 3600;
    static final long WARN_ONLY_SECONDS = 3607;
    /** kube's ExpirationExtensionSeconds: a year. */
    static final long EXTENDED_SECONDS = 24L * 365 * 60 * 60;
    private static final long MAX_SECONDS = 1L << 32;

    private final ServiceAccountKeys keys;
    private final TokenSigner signer;
    private final ObjectService service;
    private final Clock clock;

    public TokenRequests(ServiceAccountKeys keys, ObjectService service, Clock clock) {
        this.keys = keys;
        this.signer = new TokenSigner(keys);
        this.service = service;
        this.clock = clock;
    }

    /** The TokenRequest answered, for the ServiceAccount {@code namespace/name}. */
    public CompletableFuture<ObjectNode> create(String namespace, String name, ObjectNode request) {
        ObjectNode req = check(namespace, name, request);
        ObjectNode spec = (ObjectNode) req.get("spec");
        CompletableFuture<ObjectNode> account = service.get(resource("serviceaccounts"), namespace, name);
        return account.thenCompose(sa -> bound(namespace, name, spec.path("boundObjectRef")).thenApply(b -> issue(req, sa, b)));
    }

    /** The request with its defaults, or 400/422 as kube's validation says. */
    private ObjectNode check(String namespace, String name, ObjectNode request) {
        String kind = request.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("TokenRequest")) {
            throw ApiException.badRequest("the body is a " + kind + ", not a TokenRequest");
        }
        ObjectNode req = request.deepCopy();
        ObjectNode meta = req.withObjectProperty("metadata");
        List<ApiException.Cause> causes = new ArrayList<>();
        String bodyName = meta.path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + bodyName
                    + "\": must match the service account name if specified", "metadata.name"));
        }
        String bodyNamespace = meta.path("namespace").asText("");
        if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + bodyNamespace
                    + "\": must match the service account namespace if specified", "metadata.namespace"));
        }
        ObjectNode spec = req.withObjectProperty("spec");
        JsonNode seconds = spec.path("expirationSeconds");
        if (seconds.isMissingNode() || seconds.isNull()) {
            spec.put("expirationSeconds", DEFAULT_SECONDS);
        } else if (!seconds.isIntegralNumber()) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: " + seconds + ": must be an integer",
                    "spec.expirationSeconds"));
        } else if (seconds.asLong() < MIN_SECONDS) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: " + seconds.asLong()
                    + ": may not specify a duration less than 10 minutes", "spec.expirationSeconds"));
        } else if (seconds.asLong() > MAX_SECONDS) {
            causes.add(new ApiException.Cause("FieldValueTooLong", "Invalid value: " + seconds.asLong()
                    + ": may not specify a duration larger than 2^32 seconds", "spec.expirationSeconds"));
        }
        JsonNode audiences = spec.path("audiences");
        if (!audiences.isMissingNode() && !audiences.isNull() && !audiences.isArray()) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: " + audiences + ": must be a list of strings",
                    "spec.audiences"));
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("authentication.k8s.io", "TokenRequest", name, causes);
        }
        if (!audiences.isArray() || audiences.isEmpty()) {
            keys.apiAudiences().forEach(spec.putArray("audiences")::add);
        }
        meta.put("name", name).put("namespace", namespace);
        return req;
    }

    /** What the token is bound to, found and checked; null when it is bound to nothing. */
    private record Bound(String kind, TokenClaims.Ref object, TokenClaims.Ref podNode) {
    }

    private CompletableFuture<Bound> bound(String namespace, String account, JsonNode ref) {
        if (!ref.isObject()) {
            return CompletableFuture.completedFuture(null);
        }
        String kind = ref.path("kind").asText("");
        String apiVersion = ref.path("apiVersion").asText("");
        String name = ref.path("name").asText("");
        String uid = ref.path("uid").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if (!group.isEmpty() || !List.of("Pod", "Secret", "Node").contains(kind)) {
            throw ApiException.badRequest("cannot bind token for serviceaccount \"" + account + "\" to object of type "
                    + (group.isEmpty() ? "" : group + "/") + apiVersion.substring(apiVersion.indexOf('/') + 1) + ", Kind=" + kind + ".");
        }
        if (name.isEmpty()) {
            throw ApiException.invalid("authentication.k8s.io", "TokenRequest", account, List.of(new ApiException.Cause(
                    "FieldValueRequired", "Required value", "spec.boundObjectRef.name")));
        }
        CompletableFuture<Bound> found = switch (kind) {
            case "Pod" -> service.get(resource("pods"), namespace, name).thenCompose(pod -> {
                if (!account.equals(pod.path("spec").path("serviceAccountName").asText(""))) {
                    throw ApiException.badRequest("cannot bind token for serviceaccount \"" + account
                            + "\" to pod running with different serviceaccount name.");
                }
                TokenClaims.Ref podRef = ref(pod);
                String nodeName = pod.path("spec").path("nodeName").asText("");
                if (nodeName.isEmpty()) {
                    return CompletableFuture.completedFuture(new Bound(kind, podRef, null));
                }
                // the node's uid when it can be read; without it the claim names the node only, as in kube
                return service.get(resource("nodes"), null, nodeName)
                        .handle((node, error) -> new Bound(kind, podRef,
                                new TokenClaims.Ref(nodeName, error == null ? node.path("metadata").path("uid").asText("") : "")));
            });
            case "Secret" -> service.get(resource("secrets"), namespace, name).thenApply(s -> new Bound(kind, ref(s), null));
            default -> service.get(resource("nodes"), null, name).thenApply(n -> new Bound(kind, ref(n), null));
        };
        return found.thenApply(b -> {
            if (!uid.isEmpty() && !uid.equals(b.object().uid())) {
                throw ApiException.conflict("", kind, name, "the UID in the bound object reference (" + uid
                        + ") does not match the UID in record. The object might have been deleted and then recreated");
            }
            return b;
        });
    }

    private ObjectNode issue(ObjectNode req, ObjectNode account, Bound bound) {
        ObjectNode spec = (ObjectNode) req.get("spec");
        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        long seconds = spec.path("expirationSeconds").asLong();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long exp = seconds;
        long warnAfter = 0;
        boolean podBound = bound != null && bound.kind().equals("Pod");
        if (podBound && seconds == WARN_ONLY_SECONDS && keys.apiAudiences().containsAll(audiences)) {
            warnAfter = seconds;
            exp = EXTENDED_SECONDS;
        }
        String namespace = req.path("metadata").path("namespace").asText();
        TokenClaims.Ref sa = ref(account);
        ObjectNode claims = TokenClaims.bound(keys.issuer(), namespace, sa, audiences, now, exp, warnAfter,
                podBound ? bound.object() : null,
                bound != null && bound.kind().equals("Secret") ? bound.object() : null,
                bound == null ? null : bound.kind().equals("Node") ? bound.object() : bound.podNode());
        ObjectNode out = req;
        out.put("kind", "TokenRequest").put("apiVersion", "authentication.k8s.io/v1");
        ((ObjectNode) out.get("metadata")).put("creationTimestamp", now.toString());
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("token", signer.sign(claims));
        status.put("expirationTimestamp", now.plusSeconds(seconds).toString());
        out.set("status", status);
        return out;
    }

    private static TokenClaims.Ref ref(JsonNode object) {
        return new TokenClaims.Ref(object.path("metadata").path("name").asText(""), object.path("metadata").path("uid").asText(""));
    }

    private ResourceInfo resource(String plural) {
        return service.registry().find("v1", plural).orElseThrow();
    }
}
