package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.registry.ObjectStore;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletionException;

/** Writes answers: JSON with Warning headers, and every failure as a Kubernetes Status with its code. */
final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private Responses() {
    }

    static void json(RoutingContext ctx, int code, JsonNode body, List<String> warnings) {
        bytes(ctx, code, Json.write(body), warnings);
    }

    /** Writes a body already encoded, off the event loop, as JSON. */
    static void bytes(RoutingContext ctx, int code, io.vertx.core.buffer.Buffer body, List<String> warnings) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(code).putHeader("Content-Type", "application/json");
        for (String warning : warnings) {
            response.headers().add("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
        }
        response.end(body);
    }

    /** @return the HTTP code sent */
    static int error(RoutingContext ctx, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        ApiException api;
        if (cause instanceof ApiException e) {
            api = e;
        } else if (cause instanceof io.coxswain.store.StoreException) {
            api = (ApiException) ObjectStore.translate(cause, null, null);
        } else if (cause instanceof io.coxswain.apiserver.patch.ApplyConflictException conflict) {
            api = new ApiException(409, "Conflict", conflict.getMessage());
        } else {
            LOG.warn("request {} {} failed", ctx.request().method(), ctx.request().uri(), cause);
            api = ApiException.internal(String.valueOf(cause.getMessage()));
        }
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return api.code();
        }
        if (api.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(api.retryAfterSeconds()));
        }
        json(ctx, api.code(), api.toStatus(), List.of());
        return api.code();
    }
}
