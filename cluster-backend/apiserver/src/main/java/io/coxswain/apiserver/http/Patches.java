package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.patch.JsonPatch;
import io.coxswain.apiserver.patch.MergePatch;
import io.coxswain.apiserver.patch.PatchException;
import io.coxswain.apiserver.patch.ServerSideApply;
import io.coxswain.apiserver.patch.StrategicMergePatch;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.WriteOptions;
import io.coxswain.apiserver.registry.WriteResult;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.SchemaNavigator;
import io.coxswain.schemas.SchemaView;
import io.vertx.core.buffer.Buffer;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** PATCH in its four content types: JSON patch, merge patch, strategic merge patch and server-side apply. */
final class Patches {

    /** The patch types kube-apiserver takes for a built-in kind, in the order its 415 lists them. */
    static final List<String> PATCH_TYPES = List.of("application/json-patch+json", "application/merge-patch+json",
            "application/strategic-merge-patch+json", "application/apply-patch+yaml");

    private final ObjectService service;
    private final SchemaNavigator navigator = new SchemaNavigator(SchemaCatalog.standard());

    Patches(ObjectService service) {
        this.service = service;
    }

    CompletableFuture<WriteResult> patch(ResourceInfo r, String ns, String name, String contentType, Buffer body,
                                         WriteOptions write, boolean force, boolean statusOnly) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!PATCH_TYPES.contains(type)) {
            throw ApiException.unsupportedMediaType(PATCH_TYPES);
        }
        SchemaView schema = navigator.root(r.schema());
        if (type.equals("application/apply-patch+yaml")) {
            return apply(r, ns, name, Json.parseObject(body, type), write, force, schema);
        }
        JsonNode patch = Json.parse(body, "application/json");
        return service.replace(r, ns, name, write, current -> {
            JsonNode patched;
            try {
                patched = switch (type) {
                    case "application/json-patch+json" -> JsonPatch.apply(current, patch);
                    case "application/merge-patch+json" -> MergePatch.apply(current, patch);
                    case "application/strategic-merge-patch+json" -> StrategicMergePatch.apply(current, patch, schema);
                    default -> throw ApiException.unsupportedMediaType(PATCH_TYPES);
                };
            } catch (PatchException e) {
                throw new ApiException(422, "Invalid", e.getMessage());
            }
            if (!patched.isObject()) {
                throw ApiException.badRequest("the patch turned the object into " + patched.getNodeType());
            }
            checkPrecondition(r, name, current, patched);
            return statusOnly ? service.registry().strategy(r).subresourceUpdate(write.subresource(), current, (ObjectNode) patched)
                    : (ObjectNode) patched;
        });
    }

    /** A resourceVersion the patch sets (kubectl diff and JSON-patch migrations do) is a precondition. */
    private static void checkPrecondition(ResourceInfo r, String name, JsonNode current, JsonNode patched) {
        String wanted = patched.path("metadata").path("resourceVersion").asText("");
        if (!wanted.isEmpty() && !wanted.equals(current.path("metadata").path("resourceVersion").asText())) {
            throw ApiException.conflict(r.gvk().group(), r.plural(), name,
                    "the object has been modified; please apply your changes to the latest version and try again");
        }
    }

    /** Server-side apply: creates the object when it is missing, and reports field-manager conflicts. */
    private CompletableFuture<WriteResult> apply(ResourceInfo r, String ns, String name, ObjectNode applied, WriteOptions write,
                                                 boolean force, SchemaView schema) {
        if (write.fieldManager() == null || write.fieldManager().isEmpty() || write.fieldManager().equals("unknown")) {
            throw ApiException.invalid("meta.k8s.io", "PatchOptions", "", java.util.List.of(new ApiException.Cause("FieldValueRequired",
                    "Required value: is required for apply patch", "fieldManager")));
        }
        String apiVersion = r.gvk().apiVersion();
        return service.get(r, ns, name).handle((live, error) -> live).thenCompose(live -> {
            if (live == null) {
                ObjectNode created = (ObjectNode) ServerSideApply.apply(null, applied, write.fieldManager(), force, schema,
                        apiVersion, Instant.now());
                ((ObjectNode) created.with("metadata")).put("name", name);
                return service.create(r, ns, created, write.asApply());
            }
            return service.replace(r, ns, name, write.asApply(), current -> (ObjectNode) ServerSideApply.apply(current, applied,
                    write.fieldManager(), force, schema, apiVersion, Instant.now()));
        });
    }
}
