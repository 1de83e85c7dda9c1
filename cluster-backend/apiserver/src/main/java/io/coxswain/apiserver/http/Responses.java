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
        bytes(ctx, code, Json.body(body, pretty(ctx)), warnings);
    }

    /**
     * Whether the answer is indented, as kube-apiserver's negotiation decides it: {@code pretty} parsed as Go's
     * strconv.ParseBool (anything it does not know is false), else for curl, Wget and browsers.
     */
    static boolean pretty(RoutingContext ctx) {
        String asked = ctx.request().getParam("pretty");
        if (asked != null && !asked.isEmpty()) {
            return switch (asked) {
                case "1", "t", "T", "TRUE", "true", "True" -> true;
                default -> false;
            };
        }
        String agent = ctx.request().getHeader("User-Agent");
        return agent != null && (agent.startsWith("curl") || agent.startsWith("Wget") || agent.startsWith("Mozilla/5.0"));
    }

    /** Writes a body already encoded, off the event loop, as JSON. */
    static void bytes(RoutingContext ctx, int code, io.vertx.core.buffer.Buffer body, List<String> warnings) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(code).putHeader("Content-Type", "application/json");
        for (String warning : warnings) {
            response.headers().add("Warning", "299 - \"" + headerText(warning) + "\"");
        }
        response.end(body);
    }

    /**
     * A warning's text as a quoted-string of a header: quotes and backslashes escaped, control characters (CR and LF
     * among them: a field name from the body can hold them) made spaces, so a client's input can neither add a
     * header nor make Netty refuse the answer, which would leave the request unanswered.
     */
    static String headerText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
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
            // errors.NewApplyConflict: one FieldManagerConflict cause per conflicting field, and no other details
            api = new ApiException(409, "Conflict", conflict.getMessage(), null, null, conflict.conflicts().stream()
                    .map(c -> new ApiException.Cause("FieldManagerConflict", c.causeMessage(), c.field())).toList());
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
