package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.SchemaView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Field ownership (metadata.managedFields) for ordinary writes, and the field sets both kinds of write share. */
public final class ManagedFields {

    private ManagedFields() {
    }

    /** The fields an object sets, as server-side apply owns them; identity and server-kept fields left out. */
    public static FieldSet fieldSet(JsonNode obj, SchemaView schema) {
        return FieldSet.of(FieldWalk.members(obj, schema).keySet());
    }

    /**
     * Records an ordinary create, update or patch (operation {@code Update}): the manager comes to own
     * what it added or changed, other managers lose those fields, and removed fields leave every set.
     *
     * @param oldObj the stored object, or null on create
     * @param newObj the object about to be stored; its managedFields win over the old ones when it has any
     * @return a copy of newObj with metadata.managedFields updated
     */
    public static JsonNode recordUpdate(JsonNode oldObj, JsonNode newObj, String manager, String operationApiVersion,
                                        SchemaView schema, Instant now) {
        ObjectNode out = ((ObjectNode) newObj).deepCopy();
        record(oldObj, newObj, out, manager, operationApiVersion, schema, now);
        return out;
    }

    /**
     * The same, written into newObj itself: for a caller whose object is its own (a decoded request body,
     * a fresh copy), so that every write does not copy the whole object once more.
     */
    public static void recordUpdateInPlace(JsonNode oldObj, ObjectNode newObj, String manager, String operationApiVersion,
                                           SchemaView schema, Instant now) {
        record(oldObj, newObj, newObj, manager, operationApiVersion, schema, now);
    }

    /** Reads oldObj and newObj completely before it writes metadata.managedFields of out (which may be newObj). */
    private static void record(JsonNode oldObj, JsonNode newObj, ObjectNode out, String manager, String operationApiVersion,
                               SchemaView schema, Instant now) {
        List<ManagerEntry> entries = ManagerEntry.read(newObj);
        if (entries.isEmpty()) {
            entries = ManagerEntry.read(oldObj);
        }
        Comparison diff = Comparison.of(oldObj, newObj, schema);
        if (diff.isEmpty()) {
            // Nothing changed: keep ownership, and its timestamps, as they were.
            ManagerEntry.write(out, entries);
            return;
        }
        FieldSet changed = diff.changed();
        List<ManagerEntry> updated = new ArrayList<>();
        FieldSet own = FieldSet.empty();
        for (ManagerEntry e : entries) {
            if (e.sameManager(manager, ManagerEntry.UPDATE, operationApiVersion)) {
                own = e.fields();
            } else {
                updated.add(e.withFields(e.fields().difference(changed).difference(diff.removed())));
            }
        }
        own = own.difference(diff.removed()).union(changed);
        updated.add(ManagerEntry.of(manager, ManagerEntry.UPDATE, operationApiVersion, now, own));
        ManagerEntry.write(out, updated);
    }
}
