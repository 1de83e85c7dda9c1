package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.coxswain.api.ApiException;
import io.kubernetes.client.proto.Runtime.Unknown;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Reads a Kubernetes protobuf request body ({@code application/vnd.kubernetes.protobuf}) into the JSON the Kubernetes
 * JSON serializer would give for the same object.
 *
 * <p>The body is the magic {@code k8s\0} and a {@code runtime.Unknown}: the type (apiVersion, kind) and the object's
 * own protobuf encoding. The message type is looked up by its descriptor's full name,
 * {@code k8s.io.api.<group>.<version>.<Kind>} (group {@code core} for the legacy group), in the generated classes of
 * client-java-proto; kinds it has no message for get 415, as before.
 *
 * <p>Which fields are written: Go's protobuf code (gogo) writes every field that is not a Go pointer, zero or not, so
 * a body from kubectl carries {@code uid: ""}, {@code generation: 0}, {@code hostNetwork: false} and the like, which
 * the JSON serializer leaves out ({@code omitempty}). The wire cannot tell a pointer from a value, so a singular
 * scalar at its zero value is dropped unless its name is one of the API's pointer fields where zero means something
 * ({@link #MEANINGFUL_ZERO}: {@code replicas: 0}, {@code suspend: false}, ...). Messages that are present are written
 * even when empty ({@code resources: {}}, as the JSON has them); an empty {@code Time} is the zero time and is left out.
 */
final class ProtobufBody {

    static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final String PROTO_PACKAGE = "io.kubernetes.client.proto.";
    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String TIME = META + "Time";
    private static final String MICRO_TIME = META + "MicroTime";
    private static final String DURATION = META + "Duration";
    private static final String FIELDS_V1 = META + "FieldsV1";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    /** Go named slice types ({@code type ExtraValue []string}) that go-to-protobuf wraps in a message of {@code items}. */
    private static final Set<String> LIST_WRAPPERS = Set.of("ExtraValue", "Verbs");
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICRO = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * Scalar fields that are Go pointers in the built-in APIs and whose zero value differs from leaving them out
     * (a default applies to an absent one, or zero is a real setting). Every other scalar at zero is dropped.
     */
    static final Set<String> MEANINGFUL_ZERO = Set.of(
            // workloads
            "replicas", "revisionHistoryLimit", "progressDeadlineSeconds", "partition",
            "parallelism", "completions", "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes",
            "activeDeadlineSeconds", "ttlSecondsAfterFinished", "startingDeadlineSeconds",
            "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "suspend", "manualSelector", "minReplicas",
            "targetCPUUtilizationPercentage",
            // pods and containers
            "terminationGracePeriodSeconds", "automountServiceAccountToken", "enableServiceLinks",
            "shareProcessNamespace", "setHostnameAsFQDN", "hostUsers", "priority", "runAsUser", "runAsGroup",
            "runAsNonRoot", "fsGroup", "privileged", "readOnlyRootFilesystem", "allowPrivilegeEscalation",
            "defaultMode", "mode", "optional", "expirationSeconds",
            // services, configuration, scheduling, deletion
            "allocateLoadBalancerNodePorts", "immutable", "value", "gracePeriodSeconds", "orphanDependents");
    /** The string fields among those: an empty class name asks for no class, not for the default one. */
    static final Set<String> MEANINGFUL_EMPTY = Set.of("storageClassName");

    /** Found message types only: the keys come from request bodies, so misses are not kept. */
    private static final Map<String, Descriptor> TYPES = new ConcurrentHashMap<>();
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*");

    private ProtobufBody() {
    }

    /** Whether the body starts with the Kubernetes protobuf magic. */
    static boolean hasMagic(byte[] body) {
        return body.length >= MAGIC.length && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Decodes a protobuf body into the object's JSON; 400 for a malformed one, 415 for a kind without a message type. */
    static ObjectNode decode(byte[] body, String contentType) {
        if (!hasMagic(body)) {
            throw ApiException.badRequest("the protobuf body does not start with the Kubernetes magic prefix \"k8s\\x00\"");
        }
        Unknown envelope;
        try {
            envelope = Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badRequest("error decoding protobuf body: malformed runtime.Unknown envelope: " + e.getMessage());
        }
        refuseUnknownFields(envelope, "the runtime.Unknown envelope");
        refuseUnknownFields(envelope.getTypeMeta(), "the runtime.Unknown envelope's typeMeta");
        String apiVersion = envelope.getTypeMeta().getApiVersion();
        String kind = envelope.getTypeMeta().getKind();
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw ApiException.badRequest("error decoding protobuf body: the envelope names no apiVersion and kind");
        }
        if (!envelope.getContentEncoding().isEmpty()) {
            throw ApiException.badRequest("error decoding protobuf body: unsupported content encoding \""
                    + envelope.getContentEncoding() + "\"");
        }
        Descriptor type = messageType(apiVersion, kind).orElseThrow(() -> ApiException.unsupportedMediaType(
                List.of("application/json", "application/yaml")));
        DynamicMessage message;
        try {
            message = DynamicMessage.parseFrom(type, envelope.getRaw());
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badRequest("error decoding protobuf body: malformed " + type.getFullName() + ": "
                    + e.getMessage());
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("apiVersion", apiVersion);
        json.put("kind", kind);
        json.setAll(object(message, kind));
        return json;
    }

    /** The message for a kind, by its descriptor's full name {@code k8s.io.api.<group>.<version>.<Kind>}. */
    static Optional<Descriptor> messageType(String apiVersion, String kind) {
        String key = apiVersion + "/" + kind;
        Descriptor known = TYPES.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Descriptor> found = find(apiVersion, kind);
        found.ifPresent(d -> TYPES.put(key, d));
        return found;
    }

    private static Optional<Descriptor> find(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "core" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        int dot = group.indexOf('.');
        String shortGroup = dot < 0 ? group : group.substring(0, dot);
        if (!group.equals(shortGroup) && !group.endsWith(".k8s.io")
                || !NAME.matcher(shortGroup).matches() || !NAME.matcher(version).matches()) {
            return Optional.empty();   // not a built-in group version
        }
        // client-java-proto names the outer class of k8s.io/api/<group>/<version>/generated.proto V1Apps, V1Batch, V1...
        String outer = capitalize(version) + (shortGroup.equals("core") ? "" : capitalize(shortGroup));
        String fullName = "k8s.io.api." + shortGroup + "." + version + "." + kind;
        return fileDescriptor(outer).map(file -> file.findMessageTypeByName(kind))
                .filter(d -> d.getFullName().equals(fullName))
                // the options kinds of meta/v1 (DeleteOptions, CreateOptions, ...) travel under every group version
                .or(() -> kind.endsWith("Options") ? fileDescriptor("Meta").map(file -> file.findMessageTypeByName(kind))
                        : Optional.empty());
    }

    private static Optional<FileDescriptor> fileDescriptor(String outerClass) {
        try {
            return Optional.of((FileDescriptor) Class.forName(PROTO_PACKAGE + outerClass).getMethod("getDescriptor")
                    .invoke(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static ObjectNode object(Message message, String path) {
        refuseUnknownFields(message, path);
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        Descriptor type = message.getDescriptorForType();
        // status fields are written by controllers, not by clients, and have no pointer scalars worth keeping at zero
        boolean status = type.getName().endsWith("Status");
        // declaration order: go-to-protobuf declares the fields in the Go struct's order, as the JSON has them
        for (FieldDescriptor field : type.getFields()) {
            String name = field.getName();
            String at = path + "." + name;
            if (field.isRepeated() ? message.getRepeatedFieldCount(field) == 0 : !message.hasField(field)) {
                continue;
            }
            Object fieldValue = message.getField(field);
            if (field.isMapField()) {
                ObjectNode map = json.putObject(name);
                for (Object entry : (List<?>) fieldValue) {
                    Message m = (Message) entry;
                    refuseUnknownFields(m, at);
                    Descriptor d = m.getDescriptorForType();
                    String key = String.valueOf(m.getField(d.findFieldByNumber(1)));
                    FieldDescriptor valueField = d.findFieldByNumber(2);
                    map.set(key, orNull(value(valueField, m.getField(valueField), at + "[" + key + "]")));
                }
            } else if (field.isRepeated()) {
                ArrayNode array = json.putArray(name);
                List<?> items = (List<?>) fieldValue;
                for (int i = 0; i < items.size(); i++) {
                    array.add(orNull(value(field, items.get(i), at + "[" + i + "]")));
                }
            } else if (isZero(fieldValue) && (status
                    || !(fieldValue instanceof String ? MEANINGFUL_EMPTY : MEANINGFUL_ZERO).contains(name))) {
                continue;   // a Go value field, which gogo writes whatever it holds; the JSON leaves it out
            } else {
                JsonNode value = value(field, fieldValue, at);
                if (value != null) {
                    json.set(name, value);
                }
            }
        }
        return json;
    }

    private static JsonNode orNull(JsonNode value) {
        return value == null ? JsonNodeFactory.instance.nullNode() : value;
    }

    /** A scalar at its Go zero value (messages never are: a present one is written, if only as {}). */
    private static boolean isZero(Object value) {
        return value instanceof String s && s.isEmpty()
                || value instanceof Number n && n.doubleValue() == 0
                || Boolean.FALSE.equals(value)
                || value instanceof ByteString b && b.isEmpty();
    }

    /** One value as JSON, or null for a value the JSON leaves out (the zero time). */
    private static JsonNode value(FieldDescriptor field, Object value, String path) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (field.getJavaType()) {
            case INT -> field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32
                    ? f.numberNode(Integer.toUnsignedLong((Integer) value)) : f.numberNode((Integer) value);
            case LONG -> field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64
                    ? f.numberNode(new BigInteger(Long.toUnsignedString((Long) value))) : number((Long) value);
            case FLOAT -> f.numberNode((Float) value);
            case DOUBLE -> f.numberNode((Double) value);
            case BOOLEAN -> f.booleanNode((Boolean) value);
            case STRING -> f.textNode((String) value);
            case BYTE_STRING -> f.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> f.textNode(((EnumValueDescriptor) value).getName());
            case MESSAGE -> message((Message) value, path);
        };
    }

    /** An int64 as the JSON parser would read the same digits: an int node when it fits. */
    private static JsonNode number(long v) {
        return v == (int) v ? JsonNodeFactory.instance.numberNode((int) v) : JsonNodeFactory.instance.numberNode(v);
    }

    private static JsonNode message(Message m, String path) {
        Descriptor d = m.getDescriptorForType();
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (d.getFullName()) {
            case TIME -> {
                refuseUnknownFields(m, path);
                long seconds = (Long) m.getField(d.findFieldByName("seconds"));
                // Go keeps whole seconds only (metav1.Time.Unmarshal), and an empty Time is the zero time
                return m.getAllFields().isEmpty() ? null : f.textNode(RFC3339.format(Instant.ofEpochSecond(seconds)));
            }
            case MICRO_TIME -> {
                refuseUnknownFields(m, path);
                long seconds = (Long) m.getField(d.findFieldByName("seconds"));
                int nanos = (Integer) m.getField(d.findFieldByName("nanos"));
                return m.getAllFields().isEmpty() ? null
                        : f.textNode(RFC3339_MICRO.format(Instant.ofEpochSecond(seconds, nanos)));
            }
            case DURATION -> {
                refuseUnknownFields(m, path);
                return f.textNode(goDuration((Long) m.getField(d.findFieldByName("duration"))));
            }
            case QUANTITY -> {
                refuseUnknownFields(m, path);
                return f.textNode((String) m.getField(d.findFieldByName("string")));
            }
            case INT_OR_STRING -> {
                refuseUnknownFields(m, path);
                long type = (Long) m.getField(d.findFieldByName("type"));
                return type == 1 ? f.textNode((String) m.getField(d.findFieldByName("strVal")))
                        : f.numberNode((Integer) m.getField(d.findFieldByName("intVal")));
            }
            case RAW_EXTENSION, FIELDS_V1 -> {
                refuseUnknownFields(m, path);
                ByteString raw = (ByteString) m.getField(d.getFields().get(0));
                return embedded(raw.toByteArray(), path);
            }
            default -> {
                if (LIST_WRAPPERS.contains(d.getName()) && d.getFields().size() == 1
                        && d.getFields().get(0).getName().equals("items")) {
                    refuseUnknownFields(m, path);
                    ArrayNode items = f.arrayNode();
                    for (Object item : (List<?>) m.getField(d.getFields().get(0))) {
                        items.add((String) item);
                    }
                    return items;
                }
                return object(m, path);
            }
        }
    }

    /** The bytes of a RawExtension or FieldsV1: JSON, or a nested protobuf object. */
    private static JsonNode embedded(byte[] raw, String path) {
        if (raw.length == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (hasMagic(raw)) {
            return decode(raw, "application/vnd.kubernetes.protobuf");
        }
        try {
            return Json.MAPPER.readTree(raw);
        } catch (IOException e) {
            throw ApiException.badRequest("error decoding protobuf body: " + path + " holds neither JSON nor a "
                    + "protobuf object");
        }
    }

    private static void refuseUnknownFields(Message m, String path) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            throw ApiException.badRequest("error decoding protobuf body: " + path + " (" + m.getDescriptorForType()
                    .getFullName() + ") has field number(s) " + m.getUnknownFields().asMap().keySet()
                    + " that this server's " + m.getDescriptorForType().getName() + " message does not know");
        }
    }

    /** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
    static String goDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        BigInteger u = BigInteger.valueOf(nanos).abs();   // Long.MIN_VALUE has no long counterpart
        if (u.compareTo(BigInteger.valueOf(1_000_000_000L)) < 0) {
            long v = u.longValue();
            return sign + (v < 1_000 ? v + "ns" : v < 1_000_000 ? fraction(v, 3) + "\u00b5s" : fraction(v, 6) + "ms");
        }
        BigInteger[] secs = u.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
        long totalSeconds = secs[0].longValue();
        long hours = totalSeconds / 3600;
        long minutes = totalSeconds / 60 % 60;
        StringBuilder out = new StringBuilder(sign);
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(fraction(totalSeconds % 60 * 1_000_000_000L + secs[1].longValue(), 9)).append('s').toString();
    }

    /** v / 10^digits, with the fraction's trailing zeros (and a bare point) left out. */
    private static String fraction(long v, int digits) {
        long unit = (long) Math.pow(10, digits);
        String frac = String.format(Locale.ROOT, "%0" + digits + "d", v % unit).replaceAll("0+$", "");
        return (v / unit) + (frac.isEmpty() ? "" : "." + frac);
    }
}
