package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.table.TableConverter;
import io.vertx.core.http.HttpServerRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Server-side printing: answers with a meta.k8s.io/v1 Table when the client's Accept asks for one. */
final class Tables {

    private final Clock clock;

    Tables(Clock clock) {
        this.clock = clock;
    }

    boolean wanted(HttpServerRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("as=Table");
    }

    JsonNode render(ResourceInfo r, JsonNode body, boolean list, boolean includeObject) {
        Instant now = Instant.now(clock);
        if (!list) {
            return TableConverter.toTable(r.gvk(), body, now, includeObject);
        }
        List<JsonNode> items = new ArrayList<>();
        body.path("items").forEach(items::add);
        JsonNode meta = body.path("metadata");
        return TableConverter.toTable(r.gvk(), items, meta.path("resourceVersion").asText(null), meta.path("continue").asText(null),
                now, includeObject);
    }

    JsonNode watchRow(ResourceInfo r, JsonNode object, boolean first) {
        return TableConverter.toWatchEventTable(r.gvk(), object, Instant.now(clock), true, first);
    }
}
