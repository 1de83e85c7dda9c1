package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.admission.FieldValidation;
import io.coxswain.apiserver.registry.DeleteOptions;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.WriteOptions;
import io.coxswain.apiserver.patch.JsonPatch;
import io.coxswain.apiserver.patch.MergePatch;
import io.coxswain.apiserver.table.Selectors;
import io.coxswain.schemas.LabelSelectors;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** status, scale, binding, eviction and token (log is {@link PodLogs}): the parts of a resource with their own URL. */
final class Subresources {

    private final ObjectService service;
    private final Patches patches;
    private final io.coxswain.apiserver.serviceaccount.TokenRequests tokenRequests;

    Subresources(ObjectService service, Patches patches, io.coxswain.apiserver.serviceaccount.TokenRequests tokenRequests) {
        this.service = service;
        this.patches = patches;
        this.tokenRequests = tokenRequests;
    }

    CompletableFuture<Reply> serve(RoutingContext ctx, String verb, ResourceInfo r, RequestPath path, QueryParams query) {
        String sub = path.subresource();
        if (!r.subresources().contains(sub)) {
            throw ApiException.pathNotFound();
        }
        String ns = path.namespace();
        String name = path.name();
        String contentType = ctx.request().getHeader("Content-Type");
        WriteOptions write = verb.equals("get") ? null : ResourceHandler.writeOptions(ctx, query).at(sub);
        return switch (sub + ":" + verb) {
            case "status:get", "approval:get" -> service.get(r, ns, name).thenApply(Reply::ok);
            // approval, as status, writes the object's status; the kind's strategy keeps what each may not change
            case "status:update", "finalize:update", "approval:update" -> service.update(r, ns, name,
                    Json.parseObject(ctx.body().buffer(), contentType), write, true).thenApply(ResourceHandler::reply);
            case "status:patch", "approval:patch" -> patches.patch(r, ns, name, contentType, ctx.body().buffer(), write, query.flag("force"), true)
                    .thenApply(ResourceHandler::reply);
            case "scale:get" -> service.get(r, ns, name).thenApply(o -> Reply.ok(scaleOf(o)));
            case "scale:update" -> {
                ObjectNode scale = Json.parseObject(ctx.body().buffer(), contentType);
                yield setReplicas(r, ns, name, write, current -> scale);
            }
            case "scale:patch" -> {
                java.util.function.UnaryOperator<JsonNode> patch = scalePatch(contentType, Json.parse(ctx.body().buffer(), "application/json"));
                yield setReplicas(r, ns, name, write, current -> patch.apply(current));
            }
            case "binding:create" -> bind(r, ns, name, Json.parseObject(ctx.body().buffer(), contentType), write);
            case "token:create" -> tokenRequests.create(ns, name, Json.parseObject(ctx.body().buffer(), contentType))
                    .thenApply(answer -> new Reply(201, answer, List.of()));
            case "eviction:create" -> service.delete(r, ns, name, new DeleteOptions(null, null, null, null, write.dryRun()))
                    .thenApply(w -> new Reply(201, success(), List.of()));
            default -> throw ApiException.methodNotAllowed();
        };
    }

    /** A Binding posted to the collection (the older form the scheduler may use): its name is the pod's. */
    CompletableFuture<Reply> bindFromCollection(RoutingContext ctx, ResourceInfo bindings, String ns, QueryParams query) {
        ObjectNode binding = Json.parseObject(ctx.body().buffer(), ctx.request().getHeader("Content-Type"));
        ResourceInfo pods = service.registry().find("v1", "pods").orElseThrow();
        return bind(pods, ns, binding.path("metadata").path("name").asText(), binding, ResourceHandler.writeOptions(ctx, query));
    }

    private CompletableFuture<Reply> bind(ResourceInfo pods, String ns, String name, ObjectNode binding, WriteOptions write) {
        JsonNode target = binding.path("target");
        String node = target.path("name").asText("");
        if (node.isEmpty()) {
            throw ApiException.invalid("", "Binding", name, List.of(new ApiException.Cause("FieldValueRequired", "Required value", "target.name")));
        }
        if (!target.path("kind").asText("Node").equals("Node") && !target.path("kind").asText().isEmpty()) {
            throw ApiException.invalid("", "Binding", name, List.of(new ApiException.Cause("FieldValueNotSupported",
                    "Unsupported value: \"" + target.path("kind").asText() + "\": supported values: \"Node\"", "target.kind")));
        }
        return service.replace(pods, ns, name, new WriteOptions(write.dryRun(), FieldValidation.IGNORE, write.fieldManager(), false, write.user()), pod -> {
            String current = pod.path("spec").path("nodeName").asText("");
            if (!current.isEmpty()) {
                throw ApiException.conflict("", "pods/binding", name, "pod " + name + " is already assigned to node \"" + current + "\"");
            }
            if (pod.path("metadata").has("deletionTimestamp")) {
                throw ApiException.conflict("", "pods/binding", name, "pod " + name + " is being deleted, cannot be assigned to a host");
            }
            ((ObjectNode) pod.with("spec")).put("nodeName", node);
            ObjectNode status = pod.with("status");
            var conditions = status.withArray("conditions");
            conditions.addObject().put("type", "PodScheduled").put("status", "True")
                    .put("lastTransitionTime", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            return pod;
        }).thenApply(w -> new Reply(201, success(), List.of()));
    }

    /**
     * A patch of the Scale, applied to the Scale of the object as it is at each try of the write, as kube's
     * scale REST does: a patch that does not name a resourceVersion never meets a conflict.
     */
    private static java.util.function.UnaryOperator<JsonNode> scalePatch(String contentType, JsonNode patch) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        return switch (type) {
            case "application/json-patch+json" -> scale -> JsonPatch.apply(scale, patch);
            // a Scale has no list with a merge key: strategic merge is a merge patch here
            case "application/merge-patch+json", "application/strategic-merge-patch+json" -> scale -> MergePatch.apply(scale, patch);
            default -> throw ApiException.unsupportedMediaType(List.of("application/json-patch+json", "application/merge-patch+json",
                    "application/strategic-merge-patch+json"));
        };
    }

    private CompletableFuture<Reply> setReplicas(ResourceInfo r, String ns, String name, WriteOptions write,
                                                 java.util.function.UnaryOperator<JsonNode> newScale) {
        return service.replace(r, ns, name, write, o -> {
            JsonNode scale = newScale.apply(scaleOf(o));
            JsonNode replicas = scale.path("spec").path("replicas");
            if (!replicas.isIntegralNumber() || replicas.asInt() < 0) {
                throw ApiException.invalid("autoscaling", "Scale", name, List.of(new ApiException.Cause("FieldValueInvalid",
                        "Invalid value: " + replicas + ": must be greater than or equal to 0", "spec.replicas")));
            }
            String expected = scale.path("metadata").path("resourceVersion").asText("");
            if (!expected.isEmpty() && !expected.equals(o.path("metadata").path("resourceVersion").asText())) {
                throw ApiException.conflict(r.gvk().group(), r.plural(), name, "the object has been modified; please apply your changes to the latest version and try again");
            }
            ((ObjectNode) o.with("spec")).put("replicas", replicas.asInt());
            return o;
        }).thenApply(w -> Reply.ok(scaleOf(w.object())));
    }

    static ObjectNode scaleOf(JsonNode object) {
        ObjectNode scale = Json.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode meta = scale.putObject("metadata");
        for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (object.path("metadata").has(f)) {
                meta.set(f, object.path("metadata").get(f));
            }
        }
        scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
        ObjectNode status = scale.putObject("status").put("replicas", object.path("status").path("replicas").asInt(0));
        JsonNode selector = object.path("spec").path("selector");
        if (selector.isObject()) {
            // a ReplicationController's plain map reads as labels.SelectorFromSet, a LabelSelector as LabelSelectorAsSelector
            String text = Selectors.selectorString(LabelSelectors.asLabelSelector(selector));
            status.put("selector", text == null ? "" : text);
        }
        return scale;
    }

    private static ObjectNode success() {
        ObjectNode status = Json.object().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success").put("code", 201);
        return status;
    }
}
