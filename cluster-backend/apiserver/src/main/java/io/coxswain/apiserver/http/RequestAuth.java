package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.AuditLog;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.NodeRestriction;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.TokenFile;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.rbac.Forbidden;
import io.coxswain.apiserver.rbac.Impersonation;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The request pipeline of team mode, two route handlers ahead of resource handling. {@link #authenticate} runs
 * before the body is read: a client certificate the TLS handshake checked against the cluster CA (CN = user,
 * O = groups), else a bearer token from the token file, else a bootstrap token (when enabled); neither gives 401, except
 * on the open paths {@code /healthz}, {@code /readyz}, {@code /livez} and {@code /version}, which kube-apiserver also
 * serves to {@code system:anonymous}, and a GET of kube-public/cluster-info without credentials, which is
 * {@code system:anonymous} too but authorized by RBAC; {@code Impersonate-User}/{@code Impersonate-Group} headers switch the user when the caller
 * may {@code impersonate} them. {@link #authorize} runs after the body: it builds the {@link RequestAttributes}, asks
 * the authorizer chain, finishes the node checks that need the body or the pod, and answers 403 as kube-apiserver
 * does. Both put what they learnt in the RoutingContext ({@link #USER}, {@link #ATTRIBUTES}); mutating requests are
 * audited when their response ends.
 */
public final class RequestAuth {

    /** The {@link UserInfo} of the request, in the RoutingContext. */
    /** Where the user is kept: the same key as {@link io.coxswain.apiserver.rbac.RequestUser}, one for both. */
    public static final String USER = io.coxswain.apiserver.rbac.RequestUser.KEY;
    /** The {@link RequestAttributes} of the request, in the RoutingContext. */
    public static final String ATTRIBUTES = "coxswain.attributes";

    private static final Set<String> OPEN = Set.of("/healthz", "/readyz", "/livez", "/version");
    private static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", "", List.of("system:unauthenticated"));
    /**
     * The one resource a request without credentials may ask for, RBAC deciding: kube-public/cluster-info, which a
     * joining node reads before it trusts the cluster (kubeadm's token discovery). kube-apiserver's anonymous
     * authentication, limited to this path as its AuthenticationConfiguration's anonymous conditions can limit it.
     */
    private static final String CLUSTER_INFO_PATH = "/api/v1/namespaces/kube-public/configmaps/cluster-info";
    /** The same user as {@link #ANONYMOUS}, but authorized by RBAC like anyone else: told apart by identity. */
    private static final UserInfo ANONYMOUS_AUTHORIZED = new UserInfo(ANONYMOUS.name(), "", ANONYMOUS.groups());

    private final TokenFile tokens;
    /** The bootstrap token authenticator after the token file, or null when it is off. */
    private final java.util.function.Function<String, java.util.Optional<UserInfo>> bootstrapTokens;
    private final Authorizer authorizer;
    private final Impersonation impersonation;
    private final AuditLog audit;
    private final ObjectService service;
    /** The nodes' pods and what they reference, for a node's token requests; null when not kept. */
    private volatile io.coxswain.apiserver.auth.NodeGraph nodeGraph;

    public RequestAuth(TokenFile tokens, Authorizer authorizer, AuditLog audit, ObjectService service) {
        this(tokens, null, authorizer, audit, service);
    }

    /** The graph a node's TokenRequest binding is checked against (the authorizer's own). */
    public RequestAuth nodeGraph(io.coxswain.apiserver.auth.NodeGraph graph) {
        this.nodeGraph = graph;
        return this;
    }

    /** @param bootstrapTokens asked for a bearer token the token file does not know; null for none */
    public RequestAuth(TokenFile tokens, java.util.function.Function<String, java.util.Optional<UserInfo>> bootstrapTokens,
                       Authorizer authorizer, AuditLog audit, ObjectService service) {
        this.tokens = tokens;
        this.bootstrapTokens = bootstrapTokens;
        this.authorizer = authorizer;
        this.impersonation = new Impersonation(authorizer);
        this.audit = audit;
        this.service = service;
    }

    /** The authorizer chain requests go through, which SubjectAccessReviews ask too. */
    public Authorizer authorizer() {
        return authorizer;
    }

    /** The user a bearer token stands for, as this pipeline authenticates it (TokenReviews ask the same). */
    public java.util.Optional<UserInfo> tokenUser(String token) {
        java.util.Optional<UserInfo> user = tokens.user(token);
        return user.isPresent() || bootstrapTokens == null ? user : bootstrapTokens.apply(token);
    }

    public void authenticate(RoutingContext ctx) {
        UserInfo user = user(ctx.request());
        if (user == null) {
            if (OPEN.contains(ctx.request().path())) {
                ctx.put(USER, ANONYMOUS);
                ctx.next();
                return;
            }
            if (anonymousReadable(ctx.request())) {
                ctx.put(USER, ANONYMOUS_AUTHORIZED);
                ctx.next();
                return;
            }
            ObjectNode status = status(401, "Unauthorized", "Unauthorized");
            Responses.json(ctx, 401, status, List.of());
            return;
        }
        try {
            UserInfo as = impersonation.impersonated(user, ctx.request().getHeader("Impersonate-User"),
                    ctx.request().headers().getAll("Impersonate-Group"), ctx.request().getHeader("Impersonate-Uid"));
            user = as != null ? as : user;
        } catch (ApiException e) {
            Responses.error(ctx, e);
            return;
        }
        ctx.put(USER, user);
        ctx.next();
    }

    /** A GET of cluster-info with no credentials at all (a wrong token stays a 401). */
    private static boolean anonymousReadable(HttpServerRequest request) {
        return request.method() == io.vertx.core.http.HttpMethod.GET && CLUSTER_INFO_PATH.equals(request.path())
                && request.getHeader("Authorization") == null;
    }

    private UserInfo user(HttpServerRequest request) {
        UserInfo fromCertificate = certificateUser(request);
        if (fromCertificate != null) {
            return fromCertificate;
        }
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokenUser(header.substring(7).trim()).orElse(null);
        }
        return null;
    }

    /** The verified client certificate's subject: the TLS handshake already checked it against the CA. */
    private static UserInfo certificateUser(HttpServerRequest request) {
        if (!request.isSSL()) {
            return null;
        }
        try {
            io.coxswain.api.CertificateSubject subject = io.coxswain.api.CertificateSubject.of(request.connection().peerCertificates());
            return subject == null ? null : new UserInfo(subject.user(), "", subject.groups());
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    public void authorize(RoutingContext ctx) {
        UserInfo user = ctx.get(USER);
        RequestAttributes attributes = attributes(ctx, user);
        ctx.put(ATTRIBUTES, attributes);
        if (audit != null) {
            ctx.addEndHandler(v -> {
                io.vertx.core.buffer.Buffer body = ctx.body() == null ? null : ctx.body().buffer();
                String type = ctx.request().getHeader("Content-Type");
                audit.record(attributes, ctx.response().getStatusCode(), ctx.request().uri(), () -> bodyName(body, type));
            });
        }
        if (user == ANONYMOUS) {
            ctx.next();
            return;
        }
        Authorizer.Decision decision = authorizer.authorize(attributes);
        if (!decision.allowed()) {
            forbid(ctx, attributes, decision.reason());
            return;
        }
        NodeRestriction.Outcome node = NodeRestriction.decide(attributes, nodeGraph);
        if (node == NodeRestriction.Outcome.CHECK_TOKEN_BINDING) {
            com.fasterxml.jackson.databind.JsonNode body;
            try {
                body = ctx.body() == null || ctx.body().buffer() == null || ctx.body().buffer().length() == 0 ? null
                        : Json.parseObject(ctx.body().buffer(), ctx.request().getHeader("Content-Type"));
            } catch (RuntimeException e) {
                body = null;
            }
            String refusal = NodeRestriction.tokenBindingRefusal(NodeRestriction.nodeName(user), attributes.namespace(), body, nodeGraph);
            if (refusal != null) {
                forbid(ctx, attributes, refusal);
                return;
            }
        } else if (node == NodeRestriction.Outcome.CHECK_BODY_NAME) {
            String name = bodyName(ctx);
            if (!NodeRestriction.nodeName(user).equals(name)) {
                forbid(ctx, attributes, NodeRestriction.reason(attributes));
                return;
            }
        } else if (node == NodeRestriction.Outcome.CHECK_POD_BINDING) {
            checkPodBinding(ctx, attributes);
            return;
        }
        ctx.next();
    }

    /** A node may write a pod's status, or delete it, only while the pod is bound to that node. */
    private void checkPodBinding(RoutingContext ctx, RequestAttributes a) {
        ResourceInfo pods = service.registry().find("v1", "pods").orElseThrow();
        CompletableFuture<String> boundTo = service.get(pods, a.namespace(), a.name())
                .thenApply(pod -> pod.path("spec").path("nodeName").asText(""));
        Future.fromCompletionStage(boundTo, ctx.vertx().getOrCreateContext()).onComplete(result -> {
            if (result.failed()) {
                // a pod that is not there: let the resource handler say 404
                ctx.next();
            } else if (result.result().equals(NodeRestriction.nodeName(a.user()))) {
                ctx.next();
            } else {
                forbid(ctx, a, "node \"" + NodeRestriction.nodeName(a.user()) + "\" can only write pods bound to it");
            }
        });
    }

    private static String bodyName(RoutingContext ctx) {
        return bodyName(ctx.body().buffer(), ctx.request().getHeader("Content-Type"));
    }

    private static String bodyName(io.vertx.core.buffer.Buffer body, String contentType) {
        try {
            if (body == null || body.length() == 0) {
                return null;
            }
            return Json.parseObject(body, contentType).path("metadata").path("name").asText(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static RequestAttributes attributes(RoutingContext ctx, UserInfo user) {
        HttpServerRequest request = ctx.request();
        RequestPath path = RequestPath.parse(request.path());
        if (path == null) {
            return new RequestAttributes(user, request.method().name().toLowerCase(java.util.Locale.ROOT), false, null, null, null,
                    null, null, request.path());
        }
        String verb;
        try {
            verb = path.verb(request.method(), new QueryParams(request.params()).flag("watch"));
        } catch (ApiException e) {
            verb = request.method().name().toLowerCase(java.util.Locale.ROOT);
        }
        String name = path.name();
        if (name == null && ("list".equals(verb) || "watch".equals(verb))) {
            // kube's RequestInfoFactory: a list or watch of one object by fieldSelector names that object
            name = selectedName(request.getParam("fieldSelector"));
        }
        return new RequestAttributes(user, verb, true, path.apiGroup(), path.resource(), path.subresource(), path.namespace(),
                name, request.path());
    }

    /** X of a field selector that requires metadata.name=X (or ==X), else null. */
    static String selectedName(String selector) {
        if (selector == null) {
            return null;
        }
        for (String term : selector.split(",")) {
            String t = term.trim();
            for (String op : new String[] {"==", "="}) {
                if (t.startsWith("metadata.name" + op)) {
                    String value = t.substring(("metadata.name" + op).length()).trim();
                    return value.isEmpty() || value.contains("/") ? null : value;
                }
            }
        }
        return null;
    }

    /** 403 in kube-apiserver's words: {@code pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "team-b"}. */
    static void forbid(RoutingContext ctx, RequestAttributes a, String reason) {
        Responses.error(ctx, Forbidden.exception(a, reason));
    }

    private static ObjectNode status(int code, String reason, String message) {
        ObjectNode status = Json.object().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        return status;
    }
}
