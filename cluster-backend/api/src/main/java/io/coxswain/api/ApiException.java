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
    private boolean emptyDetails;

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

    /**
     * A group and resource as kube-apiserver names it in messages ({@code schema.GroupResource.String()}):
     * {@code deployments.apps}, or the bare resource in the core group.
     */
    public static String qualified(String group, String resource) {
        return group == null || group.isEmpty() ? resource : resource + "." + group;
    }

    /** {@code errors.NewNotFound}: {@code deployments.apps "web" not found}, details name, group and resource. */
    public static ApiException notFound(String group, String resource, String name) {
        return new ApiException(404, "NotFound", qualified(group, resource) + " \"" + name + "\" not found", resource, name, List.of())
                .withGroup(group);
    }

    /** {@code errors.NewAlreadyExists}. */
    public static ApiException alreadyExists(String group, String resource, String name) {
        return new ApiException(409, "AlreadyExists", qualified(group, resource) + " \"" + name + "\" already exists", resource, name,
                List.of()).withGroup(group);
    }

    /** {@code errors.NewConflict}: {@code Operation cannot be fulfilled on deployments.apps "web": <why>}. */
    public static ApiException conflict(String group, String resource, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(group, resource) + " \"" + name
                + "\": " + why, resource, name, List.of()).withGroup(group);
    }

    /** {@code errors.NewForbidden}: {@code pods "web" is forbidden: <why>}, without the name when there is none. */
    public static ApiException forbidden(String group, String resource, String name, String why) {
        String subject = qualified(group, resource) + (name == null || name.isEmpty() ? "" : " \"" + name + "\"");
        return new ApiException(403, "Forbidden", subject + " is forbidden: " + why, resource, name == null || name.isEmpty() ? null : name,
                List.of()).withGroup(group);
    }

    /** {@code errors.NewMethodNotSupported}: {@code <resource> is not supported on resources of kind "<action>"}. */
    public static ApiException methodNotSupported(String group, String resource, String action) {
        return new ApiException(405, "MethodNotAllowed", action + " is not supported on resources of kind \"" + qualified(group, resource)
                + "\"", resource, null, List.of()).withGroup(group);
    }

    /** A URL that names no resource: kube's generic 404, whose details are present and empty. */
    public static ApiException pathNotFound() {
        ApiException e = new ApiException(404, "NotFound", "the server could not find the requested resource");
        e.emptyDetails = true;
        return e;
    }

    /** {@code errors.NewServiceUnavailable}. */
    public static ApiException serviceUnavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "Expired", message);
    }

    /** A method the URL does not take: kube's generic 405, whose details are present and empty. */
    public static ApiException methodNotAllowed() {
        ApiException e = new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        e.emptyDetails = true;
        return e;
    }

    /** negotiation's errUnsupportedMediaType: the media types this request could have used, and no details. */
    public static ApiException unsupportedMediaType(List<String> accepted) {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types "
                + "include: " + String.join(", ", accepted));
    }

    /** {@code errors.NewRequestEntityTooLargeError}: the message starts "Request entity too large: ". */
    public static ApiException tooLarge(String message) {
        return new ApiException(413, "RequestEntityTooLarge", "Request entity too large: " + message);
    }

    public static ApiException tooManyRequests(int retryAfterSeconds) {
        ApiException e = new ApiException(429, "TooManyRequests", "Too many requests, please try again later.");
        e.retryAfterSeconds = retryAfterSeconds;
        return e;
    }

    /** The API group of {@code details.kind}; the core group's empty one is left out, as kube's omitempty does. */
    public ApiException withGroup(String apiGroup) {
        this.group = apiGroup == null || apiGroup.isEmpty() ? null : apiGroup;
        return this;
    }

    /** {@code errors.NewInternalError}: the message once more as the only cause. */
    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message, null, null,
                List.of(new Cause(null, message, null)));
    }

    /**
     * {@code errors.NewInvalid}: a 422 for the kind qualified by its group ({@code Deployment.apps "web" is invalid: ...}),
     * the causes listed as kube's aggregate error lists them.
     */
    public static ApiException invalid(String group, String kind, String name, List<Cause> causes) {
        List<String> parts = new ArrayList<>();
        for (Cause c : causes) {
            String part = (c.field() == null || c.field().isEmpty() ? "" : c.field() + ": ") + c.message();
            if (!parts.contains(part)) {
                parts.add(part);
            }
        }
        String list = parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
        return new ApiException(422, "Invalid", qualified(group, kind) + " \"" + name + "\" is invalid: " + list, kind,
                name == null || name.isEmpty() ? null : name, causes).withGroup(group);
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
        if (emptyDetails || kind != null || name != null || group != null || !causes.isEmpty() || retryAfterSeconds > 0) {
            ObjectNode details = status.putObject("details");
            putIfSet(details, "name", name);
            putIfSet(details, "group", group);
            putIfSet(details, "kind", kind);
            if (!causes.isEmpty()) {
                ArrayNode list = details.putArray("causes");
                for (Cause c : causes) {
                    ObjectNode cause = list.addObject();
                    putIfSet(cause, "reason", c.reason());
                    putIfSet(cause, "message", c.message());
                    putIfSet(cause, "field", c.field());
                }
            }
            if (retryAfterSeconds > 0) {
                details.put("retryAfterSeconds", retryAfterSeconds);
            }
        }
        status.put("code", code);
        return status;
    }

    /** Status fields are omitempty in kube's types: an unset or empty one is not written. */
    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }
}
