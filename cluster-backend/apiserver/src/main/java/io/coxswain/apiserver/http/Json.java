package io.coxswain.apiserver.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.schemas.ManifestReader;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.List;

/** Request bodies in and response bodies out, with the limits that keep bad input harmless. */
public final class Json {

    /** Deeper than any real object; deep enough to refuse a nesting bomb before it costs anything. */
    public static final int MAX_DEPTH = 100;
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build());

    /** What a create or an update takes, as kube-apiserver lists its serializers for a built-in kind. */
    static final List<String> BODY_TYPES = List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf");

    /** Go's json.MarshalIndent(v, "", "  "): two spaces, "key": value, and an empty object or array kept on one line. */
    private static final com.fasterxml.jackson.databind.ObjectWriter PRETTY = MAPPER.writer(
            new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                    .withObjectIndenter(new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n"))
                    .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("").withArrayEmptySeparator("")));

    private Json() {
    }

    /** JSON or YAML by name (any {@code +json} type, as the patch types are), or unnamed; text/plain is not, as in kube. */
    private static boolean readable(String type) {
        return type.isEmpty() || type.equals("*/*") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/yaml") || type.equals("application/apply-patch+yaml");
    }

    /** Parses a body as JSON, as YAML when the content type says so, or as a Kubernetes protobuf object. */
    public static JsonNode parse(Buffer body, String contentType) {
        if (body == null || body.length() == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        String type = contentType == null ? "application/json" : contentType.split(";")[0].trim();
        if (type.equals("application/vnd.kubernetes.protobuf")) {
            // kubectl's generators (create configmap, deployment, ...) send their typed objects this way
            return ProtobufBody.decode(body.getBytes(), contentType);
        }
        if (type.contains("protobuf") || !readable(type)) {
            throw ApiException.unsupportedMediaType(BODY_TYPES);
        }
        if (type.equals("application/yaml") || type.equals("application/apply-patch+yaml") && !looksLikeJson(body)) {
            try {
                List<ManifestReader.Document> docs = ManifestReader.read(body.toString());
                if (docs.size() != 1) {
                    throw ApiException.badRequest("the YAML body must hold exactly one document, not " + docs.size());
                }
                return docs.get(0).content();
            } catch (ManifestReader.ManifestReadException e) {
                throw ApiException.badRequest("error parsing YAML body: " + e.getMessage());
            }
        }
        try {
            return MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw ApiException.badRequest("error decoding JSON body: " + firstLine(e.getMessage()));
        }
    }

    public static ObjectNode parseObject(Buffer body, String contentType) {
        JsonNode node = parse(body, contentType);
        if (!node.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static boolean looksLikeJson(Buffer body) {
        String s = body.toString().stripLeading();
        return s.startsWith("{");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * A response body as kube-apiserver writes one: the JSON, then a newline (its encoder is Go's json.Encoder).
     * Written straight into the buffer that goes out, with no copy of a large list; {@code pretty} indents by two
     * spaces, as kube's pretty serializer does.
     */
    public static Buffer body(JsonNode node, boolean pretty) {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer(512);
        try (java.io.OutputStream out = new io.netty.buffer.ByteBufOutputStream(buf)) {
            (pretty ? PRETTY : MAPPER.writer()).writeValue(out, node);
        } catch (IOException e) {
            throw ApiException.internal(e.getMessage());
        }
        buf.writeByte('\n');
        return io.vertx.core.internal.buffer.BufferInternal.buffer(buf);
    }

    /** One JSON value with nothing after it: a watch event's line, a stored object. */
    public static Buffer write(JsonNode node) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw ApiException.internal(e.getMessage());
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
