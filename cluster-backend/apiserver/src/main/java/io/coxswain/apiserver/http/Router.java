package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.TokenReviews;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.rbac.Impersonation;
import io.coxswain.apiserver.rbac.RbacAuthorizer;
import io.coxswain.apiserver.rbac.RequestUser;
import io.coxswain.apiserver.rbac.Reviews;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.openapi.OpenApiDocuments;
import io.coxswain.schemas.openapi.OpenApiGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Clock;
import java.util.List;

/**
 * Every URL the apiserver serves, on one Vert.x router.
 *
 * @see RequestAuth the authentication and authorization steps of team mode, ahead of everything else
 */
public final class Router {

    private Router() {
    }

    public static io.vertx.ext.web.Router create(Vertx vertx, ObjectService service, Metrics metrics, int maxBodyBytes,
                                                 int maxReadInflight, int maxMutatingInflight, long bookmarkMillis,
                                                 String serverAddress, java.util.concurrent.Executor workers,
                                                 RequestAuth auth, RbacAuthorizer rbac, int maxWatchesPerClient,
                                                 io.vertx.core.http.HttpClientOptions kubeletClient,
                                                 io.coxswain.api.health.HealthEndpoints health, OpenWatches openWatches,
                                                 io.coxswain.apiserver.serviceaccount.ServiceAccountTokens serviceAccountTokens) {
        io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
        Tables tables = new Tables(Clock.systemUTC());
        Discovery discovery = new Discovery(service.registry());
        OpenApiDocuments openapi = new OpenApiGenerator(SchemaCatalog.standard()).generate();
        String etag = "\"" + Integer.toHexString(java.util.Arrays.hashCode(openapi.index())) + "\"";
        ResourceHandler resources = new ResourceHandler(service, new WatchHandler(service, tables, metrics, bookmarkMillis, maxWatchesPerClient, openWatches), tables,
                metrics, maxReadInflight, maxMutatingInflight, workers, kubeletClient, serviceAccountTokens.requests());

        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false);
        // Team mode authenticates before a body is read, and authorizes after (a node's create is judged by its name).
        if (auth != null) {
            router.route().handler(auth::authenticate);
        } else {
            router.route().handler(ctx -> {
                ctx.put(RequestAuth.USER, io.coxswain.apiserver.auth.UserInfo.UNSECURED);
                ctx.next();
            });
        }
        // A WebSocket watch must reach the upgrade with its request unread.
        router.route().handler(ctx -> {
            if (ctx.request().canUpgradeToWebSocket()) {
                ctx.next();
            } else {
                bodies.handle(ctx);
            }
        });
        if (auth != null) {
            router.route().handler(auth::authorize);
        } else {
            // Without team mode everyone is system:masters, who may impersonate: kubectl --as then asks RBAC as that user.
            router.route().handler(new Impersonation(rbac));
        }
        // Reviews are answered by the authorizer (chain) and the token authenticator the requests themselves go through.
        Reviews reviews = new Reviews(auth != null ? auth.authorizer() : rbac, rbac);
        TokenReviews tokenReviews = new TokenReviews(auth != null ? auth::tokenUser : null);
        router.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").handler(ctx -> review(ctx, reviews::accessReview));
        router.post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").handler(ctx -> review(ctx, reviews::rulesReview));
        router.post("/apis/authorization.k8s.io/v1/subjectaccessreviews").handler(ctx -> review(ctx, reviews::subjectAccessReview));
        router.post("/apis/authentication.k8s.io/v1/tokenreviews").handler(ctx -> review(ctx, tokenReviews::review));
        router.get("/version").handler(ctx -> Responses.json(ctx, 200, version(), List.of()));
        for (String probe : health.paths()) {
            router.get(probe).handler(ctx -> HealthReplies.reply(ctx, health));
        }
        if (serviceAccountTokens.discovery() != null) {
            // kube's OIDC discovery for the service account issuer; RBAC's system:service-account-issuer-discovery
            var issuer = serviceAccountTokens.discovery();
            for (String suffix : List.of("", "/")) {
                router.get(io.coxswain.apiserver.serviceaccount.IssuerDiscovery.CONFIGURATION_PATH + suffix).handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "public, max-age=3600")
                        .end(Buffer.buffer(issuer.configuration())));
                router.get(io.coxswain.apiserver.serviceaccount.IssuerDiscovery.JWKS_PATH + suffix).handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/jwk-set+json").putHeader("Cache-Control", "public, max-age=3600")
                        .end(Buffer.buffer(issuer.jwks())));
            }
        }
        router.get("/metrics").handler(ctx -> metrics.endpoint().serve(ctx.vertx(), ctx.response()));
        router.get("/api").handler(ctx -> Responses.json(ctx, 200, discovery.apiVersions(serverAddress), List.of()));
        router.get("/apis").handler(ctx -> Responses.json(ctx, 200, discovery.groups(), List.of()));
        router.get("/api/:version").handler(ctx -> groupVersion(ctx, discovery, ctx.pathParam("version")));
        router.get("/apis/:group/:version").handler(ctx ->
                groupVersion(ctx, discovery, ctx.pathParam("group") + "/" + ctx.pathParam("version")));
        router.get("/openapi/v3").handler(ctx -> {
            if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
                ctx.response().setStatusCode(304).putHeader("ETag", etag).end();
                return;
            }
            ctx.response().putHeader("Content-Type", "application/json").putHeader("ETag", etag).end(Buffer.buffer(openapi.index()));
        });
        router.getWithRegex("/openapi/v3/(.+)").handler(ctx -> {
            byte[] doc = openapi.documents().get(ctx.pathParam("param0"));
            if (doc == null) {
                Responses.error(ctx, ApiException.pathNotFound());
                return;
            }
            String hash = openapi.hashes().get(ctx.pathParam("param0"));
            ctx.response().putHeader("Content-Type", "application/json").putHeader("ETag", "\"" + hash + "\"")
                    .putHeader("Cache-Control", "public, immutable").end(Buffer.buffer(doc));
        });
        // kubectl auth whoami: who the pipeline says the caller is
        router.post("/apis/authentication.k8s.io/:version/selfsubjectreviews").handler(ctx -> whoami(ctx, ctx.pathParam("version")));
        router.routeWithRegex("/apis?/.+").handler(resources::handle);
        router.route().last().handler(ctx -> Responses.error(ctx,
                ApiException.pathNotFound()));
        router.route().failureHandler(ctx -> {
            int code = ctx.statusCode();
            Throwable failure = ctx.failure();
            if (code == 413) {
                Responses.error(ctx, ApiException.tooLarge("limit is " + maxBodyBytes + " bytes"));
            } else if (failure != null) {
                Responses.error(ctx, failure);
            } else {
                Responses.error(ctx, new ApiException(code <= 0 ? 500 : code, "BadRequest", "the request could not be served"));
            }
        });
        return router;
    }

    /** A review is answered at once and never stored: 201 with its status, as kube-apiserver does. */
    private static void review(RoutingContext ctx, java.util.function.BiFunction<UserInfo, ObjectNode, ObjectNode> answer) {
        try {
            ObjectNode body = Json.parseObject(ctx.body().buffer(), ctx.request().getHeader("Content-Type"));
            Responses.json(ctx, 201, answer.apply(RequestUser.of(ctx), body), List.of());
        } catch (RuntimeException e) {
            Responses.error(ctx, e);
        }
    }

    private static void groupVersion(RoutingContext ctx, Discovery discovery, String apiVersion) {
        ObjectNode list = discovery.resources(apiVersion);
        if (list == null) {
            Responses.error(ctx, ApiException.pathNotFound());
        } else {
            Responses.json(ctx, 200, list, List.of());
        }
    }

    private static void whoami(RoutingContext ctx, String version) {
        io.coxswain.apiserver.auth.UserInfo user = ctx.get(RequestAuth.USER);
        ObjectNode review = Json.object().put("kind", "SelfSubjectReview").put("apiVersion", "authentication.k8s.io/" + version);
        review.putObject("metadata").putNull("creationTimestamp");
        ObjectNode info = review.putObject("status").putObject("userInfo").put("username", user.name());
        if (!user.uid().isEmpty()) {
            info.put("uid", user.uid());
        }
        user.groups().forEach(info.withArray("groups")::add);
        user.extra().forEach((key, values) -> values.forEach(info.withObjectProperty("extra").withArrayProperty(key)::add));
        Responses.json(ctx, 201, review, List.of());
    }

    private static ObjectNode version() {
        return Json.object().put("major", "1").put("minor", "32").put("gitVersion", "v1.32.4")
                .put("gitCommit", "coxswain").put("gitTreeState", "clean").put("buildDate", "2026-11-25T00:00:00Z")
                .put("goVersion", "java" + Runtime.version().feature()).put("compiler", "coxswain").put("platform", "linux/amd64");
    }
}
