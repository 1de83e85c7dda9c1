package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.api.FieldSelector;
import io.coxswain.api.LabelSelector;
import io.coxswain.apiserver.admission.FieldValidation;
import io.coxswain.apiserver.registry.DeleteOptions;
import io.coxswain.apiserver.registry.ListOptions;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.WriteOptions;
import io.coxswain.apiserver.registry.WriteResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Serves every resource URL: works out the resource and verb, enforces the in-flight limits, calls the
 * object service and renders the answer (JSON, a Table, or a Status error). Watches go to {@link WatchHandler}.
 */
final class ResourceHandler {

    private final ObjectService service;
    private final Subresources subresources;
    private final PodLogs podLogs;
    private final Patches patches;
    private final WatchHandler watches;
    private final Tables tables;
    private final Metrics metrics;
    private final int maxReadInflight;
    private final int maxMutatingInflight;
    private final java.util.concurrent.Executor workers;

    private record Rendered(int code, io.vertx.core.buffer.Buffer body, List<String> warnings) {
    }

    ResourceHandler(ObjectService service, WatchHandler watches, Tables tables, Metrics metrics, int maxReadInflight,
                    int maxMutatingInflight, java.util.concurrent.Executor workers, io.vertx.core.http.HttpClientOptions kubeletClient,
                    io.coxswain.apiserver.serviceaccount.TokenRequests tokenRequests) {
        this.service = service;
        this.patches = new Patches(service);
        this.subresources = new Subresources(service, patches, tokenRequests);
        this.podLogs = new PodLogs(service, kubeletClient);
        this.watches = watches;
        this.tables = tables;
        this.metrics = metrics;
        this.maxReadInflight = maxReadInflight;
        this.maxMutatingInflight = maxMutatingInflight;
        this.workers = workers;
    }

    void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        HttpServerRequest request = ctx.request();
        RequestPath path = RequestPath.parse(request.path());
        if (path == null) {
            Responses.error(ctx, ApiException.pathNotFound());
            return;
        }
        ResourceInfo resource = service.registry().find(path.apiVersion(), path.resource()).orElse(null);
        if (resource == null) {
            Responses.error(ctx, ApiException.pathNotFound());
            return;
        }
        QueryParams query = new QueryParams(request.params());
        String verb = path.verb(request.method(), query.flag("watch"));
        if (verb.equals("get") && "log".equals(path.subresource()) && resource.subresources().contains("log")) {
            podLogs.serve(ctx, resource, path, query);
            return;
        }
        if (verb.equals("watch")) {
            try {
                watches.serve(ctx, resource, path.namespace(), query, selection(resource, query), tables.wanted(request));
            } catch (ApiException e) {
                Responses.error(ctx, e);
            }
            return;
        }
        boolean mutating = !verb.equals("get") && !verb.equals("list");
        var inflight = mutating ? metrics.mutatingInflight : metrics.readInflight;
        if (inflight.incrementAndGet() > (mutating ? maxMutatingInflight : maxReadInflight)) {
            inflight.decrementAndGet();
            Responses.error(ctx, ApiException.tooManyRequests(1));
            metrics.record(request, verb, resource, 429, System.nanoTime() - started);
            return;
        }
        Context context = ctx.vertx().getOrCreateContext();
        boolean table = tables.wanted(request) && (verb.equals("get") || verb.equals("list")) && path.subresource() == null;
        boolean includeObject = !"None".equals(query.get("includeObject"));
        // Decoding, admission, patching and encoding are CPU work: they run on the workers, never on the event loop.
        boolean pretty = Responses.pretty(ctx);
        CompletableFuture<Rendered> rendered = CompletableFuture
                .supplyAsync(() -> dispatch(ctx, verb, resource, path, query), workers)
                .thenCompose(f -> f)
                .thenApply(r -> new Rendered(r.code(),
                        Json.body(table ? tables.render(resource, r.body(), verb.equals("list"), includeObject) : r.body(), pretty),
                        r.warnings()));
        Future.fromCompletionStage(rendered, context).onComplete(result -> {
            inflight.decrementAndGet();
            int code;
            if (result.succeeded()) {
                Rendered r = result.result();
                Responses.bytes(ctx, r.code(), r.body(), r.warnings());
                code = r.code();
            } else {
                code = Responses.error(ctx, result.cause());
            }
            metrics.record(request, verb, resource, code, System.nanoTime() - started);
        });
    }

    private CompletableFuture<Reply> dispatch(RoutingContext ctx, String verb, ResourceInfo r, RequestPath path, QueryParams query) {
        String ns = path.namespace();
        if (r.namespaced() && ns == null && !verb.equals("list") && !verb.equals("create")) {
            throw ApiException.badRequest("the namespace of the object is required for " + r.plural());
        }
        if (!r.verbs().contains(verb) && !(verb.equals("create") && path.subresource() != null)) {
            throw ApiException.methodNotAllowed();
        }
        // routes kube-apiserver does not register: PUT or PATCH of a collection, POST to a named object
        if ((verb.equals("update") || verb.equals("patch")) && path.isCollection()
                || verb.equals("create") && !path.isCollection() && path.subresource() == null) {
            throw ApiException.methodNotAllowed();
        }
        if (path.subresource() != null) {
            return subresources.serve(ctx, verb, r, path, query);
        }
        String contentType = ctx.request().getHeader("Content-Type");
        return switch (verb) {
            case "get" -> service.get(r, ns, path.name()).thenApply(Reply::ok);
            case "list" -> service.list(r, ns, listOptions(r, query)).thenApply(Reply::ok);
            case "create" -> {
                if (r.plural().equals("bindings")) {
                    yield subresources.bindFromCollection(ctx, r, ns, query);
                }
                yield service.create(r, ns, Json.parseObject(ctx.body().buffer(), contentType), writeOptions(ctx, query))
                        .thenApply(ResourceHandler::reply);
            }
            case "update" -> service.update(r, ns, path.name(), Json.parseObject(ctx.body().buffer(), contentType),
                    writeOptions(ctx, query), false).thenApply(ResourceHandler::reply);
            case "patch" -> patches.patch(r, ns, path.name(), contentType, ctx.body().buffer(), writeOptions(ctx, query),
                    query.flag("force"), false).thenApply(ResourceHandler::reply);
            case "delete" -> service.delete(r, ns, path.name(), deleteOptions(ctx, query)).thenApply(ResourceHandler::reply);
            case "deletecollection" -> service.deleteCollection(r, ns, selection(r, query), deleteOptions(ctx, query))
                    .thenApply(Reply::ok);
            default -> throw ApiException.methodNotAllowed();
        };
    }

    static Reply reply(WriteResult w) {
        return new Reply(w.code(), w.object(), w.warnings());
    }

    static ListOptions selection(ResourceInfo r, QueryParams query) {
        return new ListOptions(LabelSelector.parse(query.get("labelSelector")),
                FieldSelector.parse(query.get("fieldSelector"), r.fieldSelectors()), 0, null);
    }

    static ListOptions listOptions(ResourceInfo r, QueryParams query) {
        ListOptions s = selection(r, query);
        int limit = query.integer("limit", 0);
        if (limit < 0) {
            throw ApiException.badRequest("limit must not be negative");
        }
        return new ListOptions(s.labels(), s.fields(), limit, query.get("continue"));
    }

    static WriteOptions writeOptions(RoutingContext ctx, QueryParams query) {
        String manager = query.get("fieldManager");
        if (manager == null || manager.isEmpty()) {
            String agent = ctx.request().getHeader("User-Agent");
            manager = agent == null || agent.isEmpty() ? "unknown" : agent.split("/")[0];
        }
        if (manager.length() > 128) {
            throw ApiException.badRequest("fieldManager must be at most 128 characters");
        }
        return new WriteOptions(query.dryRun(), FieldValidation.parse(query.get("fieldValidation")), manager)
                .by(io.coxswain.apiserver.rbac.RequestUser.of(ctx));
    }

    static DeleteOptions deleteOptions(RoutingContext ctx, QueryParams query) {
        Long grace = query.optionalLong("gracePeriodSeconds");
        String policy = query.get("propagationPolicy");
        if (policy == null && query.get("orphanDependents") != null) {
            // the deprecated boolean, decoded as any other: false asks for the default, background deletion
            policy = query.flag("orphanDependents") ? "Orphan" : "Background";
        }
        String uid = null;
        String rv = null;
        boolean dryRun = query.dryRun();
        var body = ctx.body().buffer();
        if (body != null && body.length() > 0) {
            ObjectNode options = Json.parseObject(body, "application/json");
            if (options.has("gracePeriodSeconds") && !options.get("gracePeriodSeconds").isNull()) {
                grace = options.get("gracePeriodSeconds").asLong();
            }
            if (options.hasNonNull("propagationPolicy")) {
                policy = options.get("propagationPolicy").asText();
            } else if (options.path("orphanDependents").asBoolean(false)) {
                policy = "Orphan";
            }
            uid = options.path("preconditions").path("uid").asText(null);
            rv = options.path("preconditions").path("resourceVersion").asText(null);
            dryRun = dryRun || options.path("dryRun").toString().contains("All");
        }
        if (policy != null && !List.of("Background", "Foreground", "Orphan").contains(policy)) {
            throw ApiException.badRequest("propagationPolicy must be Background, Foreground or Orphan, not \"" + policy + "\"");
        }
        return new DeleteOptions(grace, policy, uid, rv, dryRun);
    }
}
