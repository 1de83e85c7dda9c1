package io.coxswain.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A request that failed as Kubernetes fails it: an HTTP code, a reason and a message, rendered as a
 * {@code metav1.Status}. kubectl prints {@code Error from server (<reason>): <message>}.
 */
public class ApiException extends RuntimeException {

    /** One field-level cause of a 422 Invalid, as {@code details.causes[]}. */
    public record Cause(String reason, String message, String field) {
    }

    private final int code;
    private final String reason;
    private final String kind;
    private final String name;
    private final List<Cause> causes;
    private int retryAfterSeconds;
    private String group;

    public ApiException(int code, String reason, String message) {
        this(code, reason, message, null, null, List.of());
    }

    public ApiException(int code, String reason, String message, String kind, String name, List<Cause> causes) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.kind = kind;
        this.name = name;
        this.causes = List.copyOf(causes);
    }

    public static ApiException notFound(String resource, String name) {
        return new ApiException(404, "NotFound", resource + " \"" + name + "\" not found", resource, name, List.of());
    }

    public static ApiException alreadyExists(String resource, String name) {
        return new ApiException(409, "AlreadyExists", resource + " \"" + name + "\" already exists", resource, name, List.of());
    }

    public static ApiException conflict(String resource, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name + "\": " + why,
                resource, name, List.of());
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "Expired", message);
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, "MethodNotAllowed", message);
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted "
                + "media types include: application/json, application/yaml, application/merge-patch+json, "
                + "application/json-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"
                + (contentType == null ? "" : " (got " + contentType + ")"));
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "RequestEntityTooLarge", message);
    }

    public static ApiException tooManyRequests(int retryAfterSeconds) {
        ApiException e = new ApiException(429, "TooManyRequests", "Too many requests, please try again later.");
        e.retryAfterSeconds = retryAfterSeconds;
        return e;
    }

    /** The API group of {@code details.kind}, as a Forbidden Status carries it. */
    public ApiException withGroup(String apiGroup) {
        this.group = apiGroup;
        return this;
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message);
    }

    /** A 422 whose message lists the causes the way kube-apiserver does. */
    public static ApiException invalid(String kind, String name, List<Cause> causes) {
        List<String> parts = new ArrayList<>();
        for (Cause c : causes) {
            parts.add((c.field() == null || c.field().isEmpty() ? "" : c.field() + ": ") + c.message());
        }
        String list = parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
        return new ApiException(422, "Invalid", kind + " \"" + name + "\" is invalid: " + list, kind, name, causes);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public ObjectNode toStatus() {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", getMessage()).put("reason", reason);
        if (kind != null || name != null || group != null || !causes.isEmpty() || retryAfterSeconds > 0) {
            ObjectNode details = status.putObject("details");
            if (name != null) {
                details.put("name", name);
            }
            if (group != null) {
                details.put("group", group);
            }
            if (kind != null) {
                details.put("kind", kind);
            }
            if (!causes.isEmpty()) {
                ArrayNode list = details.putArray("causes");
                causes.forEach(c -> list.addObject().put("reason", c.reason()).put("message", c.message()).put("field", c.field()));
            }
            if (retryAfterSeconds > 0) {
                details.put("retryAfterSeconds", retryAfterSeconds);
            }
        }
        status.put("code", code);
        return status;
    }
}
