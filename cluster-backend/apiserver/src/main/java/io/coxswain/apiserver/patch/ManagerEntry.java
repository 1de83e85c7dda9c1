package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** One metadata.managedFields entry, with its fieldsV1 decoded. */
record ManagerEntry(String manager, String operation, String apiVersion, String time, String subresource, FieldSet fields) {

    static final String APPLY = "Apply";
    static final String UPDATE = "Update";

    /** Kubernetes's sort: Apply before Update, then by time, manager, apiVersion, subresource. */
    private static final Comparator<ManagerEntry> ORDER = Comparator.comparing(ManagerEntry::operation)
            .thenComparing(e -> Objects.toString(e.time(), ""))
            .thenComparing(ManagerEntry::manager)
            .thenComparing(e -> Objects.toString(e.apiVersion(), ""))
            .thenComparing(e -> Objects.toString(e.subresource(), ""));

    static ManagerEntry of(String manager, String operation, String apiVersion, Instant now, FieldSet fields) {
        return new ManagerEntry(manager, operation, apiVersion, timestamp(now), null, fields);
    }

    static String timestamp(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * Whether two entries are the same manager: an applier is one manager whatever apiVersion it applies
     * with; an updater is one per apiVersion (Kubernetes's manager identifier).
     */
    boolean sameManager(String otherManager, String otherOperation, String otherApiVersion) {
        return manager.equals(otherManager) && operation.equals(otherOperation) && subresource == null
                && (APPLY.equals(operation) || Objects.equals(apiVersion, otherApiVersion));
    }

    ManagerEntry withFields(FieldSet newFields) {
        return new ManagerEntry(manager, operation, apiVersion, time, subresource, newFields);
    }

    /** How conflicts name the manager: {@code "kubectl" using apps/v1} for an updater, {@code "kubectl"} for an applier. */
    String describe() {
        String out = '"' + manager + '"';
        if (subresource != null) {
            out += " with subresource \"" + subresource + '"';
        }
        return UPDATE.equals(operation) ? out + " using " + apiVersion : out;
    }

    static List<ManagerEntry> read(JsonNode obj) {
        List<ManagerEntry> out = new ArrayList<>();
        if (obj == null) {
            return out;
        }
        for (JsonNode e : obj.path("metadata").path("managedFields")) {
            out.add(new ManagerEntry(e.path("manager").asText(""), e.path("operation").asText(UPDATE),
                    text(e, "apiVersion"), text(e, "time"), text(e, "subresource"),
                    FieldSet.fromFieldsV1(e.get("fieldsV1"))));
        }
        return out;
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    /** Writes the entries, sorted and without empty ones, into metadata.managedFields of obj (an object). */
    static void write(ObjectNode obj, List<ManagerEntry> entries) {
        List<ManagerEntry> sorted = new ArrayList<>();
        for (ManagerEntry e : entries) {
            if (!e.fields().isEmpty()) {
                sorted.add(e);
            }
        }
        sorted.sort(ORDER);
        ObjectNode metadata = obj.withObjectProperty("metadata");
        if (sorted.isEmpty()) {
            metadata.remove("managedFields");
            return;
        }
        ArrayNode list = metadata.putArray("managedFields");
        for (ManagerEntry e : sorted) {
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("manager", e.manager());
            json.put("operation", e.operation());
            if (e.apiVersion() != null) {
                json.put("apiVersion", e.apiVersion());
            }
            if (e.time() != null) {
                json.put("time", e.time());
            }
            json.put("fieldsType", "FieldsV1");
            json.set("fieldsV1", e.fields().toFieldsV1());
            if (e.subresource() != null) {
                json.put("subresource", e.subresource());
            }
            list.add(json);
        }
    }
}
