package io.coxswain.apiserver.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.api.ApiException.Cause;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.registry.ResourceStrategy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Secret, as kube-apiserver's secret strategy with core/v1's conversion and defaulting: {@code data} must be base64
 * (kube decodes it into bytes), {@code stringData} is folded into {@code data} and never stored, {@code type} defaults
 * to Opaque and cannot change, {@code immutable} freezes the data, and the well-known types carry the keys that
 * {@code ValidateSecret} asks for, in keys that are valid config keys. {@code bootstrap.kubernetes.io/token} has no
 * checks of its own here, as in kube: its readers (the bootstrap token authenticator, bootstrapsigner) skip a
 * malformed one and say why.
 */
public final class SecretStrategy implements ResourceStrategy {

    public static final String OPAQUE = "Opaque";
    /** kube's MaxSecretSize. */
    static final int MAX_SIZE = 1024 * 1024;
    private static final String FORBIDDEN = "Forbidden: field is immutable when `immutable` is set";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void prepareForCreate(ObjectNode object, UserInfo user) {
        convert(object);
    }

    @Override
    public void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
        convert(next);
    }

    @Override
    public void validate(ObjectNode object) {
        List<Cause> causes = new ArrayList<>();
        validateData(object, causes);
        failIfAny(object, causes);
    }

    @Override
    public void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
        List<Cause> causes = new ArrayList<>();
        String was = current.path("type").asText(OPAQUE);
        String now = next.path("type").asText(OPAQUE);
        if (!was.equals(now)) {
            causes.add(new Cause("FieldValueInvalid", "Invalid value: \"" + now + "\": field is immutable", "type"));
        }
        if (current.path("immutable").asBoolean(false)) {
            if (!next.path("immutable").asBoolean(false)) {
                causes.add(new Cause("FieldValueForbidden", FORBIDDEN, "immutable"));
            }
            if (!entries(current).equals(entries(next))) {
                causes.add(new Cause("FieldValueForbidden", FORBIDDEN, "data"));
            }
        }
        validateData(next, causes);
        failIfAny(next, causes);
    }

    /**
     * What core/v1's conversion and defaulting do before anything else sees the object: each data value decoded as
     * base64 (a bad one is a 400, as the decoder's error in kube, naming the key), stringData written into data over
     * any same key, and an empty type set to Opaque.
     */
    static void convert(ObjectNode secret) {
        JsonNode data = secret.path("data");
        if (data.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    decode(e.getKey(), e.getValue().asText());
                }
            }
        }
        JsonNode stringData = secret.remove("stringData");
        if (stringData != null && stringData.isObject() && !stringData.isEmpty()) {
            ObjectNode into = data.isObject() ? (ObjectNode) data : secret.putObject("data");
            stringData.fields().forEachRemaining(e -> into.put(e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        }
        if (secret.path("type").asText("").isEmpty()) {
            secret.put("type", OPAQUE);
        }
        checkKeys(secret);
    }

    /**
     * ValidateSecret's key check, done here, before the schemas' admission, so that a bad key gets kube's words and
     * path ({@code data[a/b]: Invalid value: "a/b": ...}) and the error shows the key, never the secret value.
     */
    private static void checkKeys(ObjectNode secret) {
        List<Cause> causes = new ArrayList<>();
        secret.path("data").fieldNames().forEachRemaining(key -> {
            for (String problem : ConfigKeys.problems(key)) {
                causes.add(new Cause("FieldValueInvalid", "Invalid value: " + quoted(key) + ": " + problem, "data[" + key + "]"));
            }
        });
        failIfAny(secret, causes);
    }

    /** Go's base64.StdEncoding as encoding/json uses it for []byte: padding required, line breaks skipped. */
    static byte[] decode(String key, String value) {
        String compact = value.replace("\r", "").replace("\n", "");
        int bad = -1;
        for (int i = 0; i < compact.length() && bad < 0; i++) {
            char c = compact.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!alphabet && !(c == '=' && i >= compact.length() - 2)) {
                bad = i;
            }
        }
        if (bad < 0 && compact.length() % 4 != 0) {
            bad = compact.length() / 4 * 4;
        }
        if (bad < 0) {
            try {
                return Base64.getDecoder().decode(compact);
            } catch (IllegalArgumentException e) {
                bad = Math.max(0, compact.indexOf('='));
            }
        }
        throw ApiException.badRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte "
                + bad + " (the value of data[" + key + "]; data holds base64, stringData plain text)");
    }

    /** ValidateSecret: total size, and the keys that each well-known type needs. */
    private static void validateData(ObjectNode secret, List<Cause> causes) {
        JsonNode data = entries(secret);
        long size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            size += decode(e.getKey(), e.getValue().asText("")).length;
        }
        if (size > MAX_SIZE) {
            causes.add(new Cause("FieldValueTooLong", "Too long: must have at most " + MAX_SIZE + " bytes", "data"));
        }
        switch (secret.path("type").asText(OPAQUE)) {
            case "kubernetes.io/service-account-token" -> {
                if (secret.path("metadata").path("annotations").path("kubernetes.io/service-account.name").asText("").isEmpty()) {
                    causes.add(required("metadata.annotations[kubernetes.io/service-account.name]"));
                }
            }
            case "kubernetes.io/dockercfg" -> jsonKey(data, ".dockercfg", causes);
            case "kubernetes.io/dockerconfigjson" -> jsonKey(data, ".dockerconfigjson", causes);
            case "kubernetes.io/basic-auth" -> {
                // either may be empty, but one must be there
                if (!data.has("username") && !data.has("password")) {
                    causes.add(required("data[username]"));
                    causes.add(required("data[password]"));
                }
            }
            case "kubernetes.io/ssh-auth" -> {
                if (decoded(data, "ssh-privatekey").length == 0) {
                    causes.add(required("data[ssh-privatekey]"));
                }
            }
            case "kubernetes.io/tls" -> {
                for (String key : List.of("tls.crt", "tls.key")) {
                    if (!data.has(key)) {
                        causes.add(required("data[" + key + "]"));
                    }
                }
            }
            default -> {
            }
        }
    }

    private static void jsonKey(JsonNode data, String key, List<Cause> causes) {
        if (!data.has(key)) {
            causes.add(required("data[" + key + "]"));
            return;
        }
        try {
            JsonNode parsed = JSON.readTree(decoded(data, key));
            if (parsed == null || !parsed.isObject()) {
                throw new IOException("not a JSON object");
            }
        } catch (IOException e) {
            causes.add(new Cause("FieldValueInvalid", "Invalid value: \"<secret contents redacted>\": " + firstLine(e.getMessage()),
                    "data[" + key + "]"));
        }
    }

    private static byte[] decoded(JsonNode data, String key) {
        return data.has(key) ? decode(key, data.get(key).asText("")) : new byte[0];
    }

    private static String firstLine(String message) {
        String m = message == null ? "invalid JSON" : message;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Go's %q of a string, as field.Invalid prints a value: in double quotes, with quotes and backslashes escaped. */
    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Cause required(String field) {
        return new Cause("FieldValueRequired", "Required value", field);
    }

    private static void failIfAny(ObjectNode secret, List<Cause> causes) {
        if (!causes.isEmpty()) {
            throw ApiException.invalid("", "Secret", secret.path("metadata").path("name").asText(""), causes);
        }
    }

    /** data, where a missing, null or empty map are the same (Go's nil and empty map). */
    private static JsonNode entries(ObjectNode secret) {
        JsonNode node = secret.path("data");
        return node.isObject() && !node.isEmpty() ? node : MissingNode.getInstance();
    }
}
