package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.schemas.SchemaView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Server-side apply ({@code application/apply-patch+yaml}), after structured-merge-diff's Updater.Apply:
 * merge the configuration into the live object, drop what the applier owned before and nobody owns now,
 * check for conflicts with other managers, then record the applier as owner of exactly what it applied.
 */
public final class ServerSideApply {

    private ServerSideApply() {
    }

    /**
     * @param live       the stored object, or null when the apply creates it
     * @param applied    the configuration the manager applies (a full object; its managedFields are ignored)
     * @param force      take conflicting fields from their owners instead of failing
     * @param apiVersion the apiVersion the configuration is written in
     * @return the new object, with metadata.managedFields updated
     * @throws ApplyConflictException when, without force, the apply changes fields another manager owns
     */
    public static JsonNode apply(JsonNode live, JsonNode applied, String manager, boolean force, SchemaView schema,
                                 String apiVersion, Instant now) {
        if (applied == null || !applied.isObject()) {
            throw new PatchException("an applied configuration must be an object");
        }
        ObjectNode config = ((ObjectNode) applied).deepCopy();
        if (config.get("metadata") instanceof ObjectNode) {
            ((ObjectNode) config.get("metadata")).remove("managedFields");
        }
        ObjectNode liveObj = live == null ? JsonNodeFactory.instance.objectNode() : ((ObjectNode) live).deepCopy();
        List<ManagerEntry> entries = ManagerEntry.read(liveObj);
        if (liveObj.get("metadata") instanceof ObjectNode) {
            ((ObjectNode) liveObj.get("metadata")).remove("managedFields");
        }

        FieldSet applierSet = ManagedFields.fieldSet(config, schema);
        FieldSet lastSet = FieldSet.empty();
        ManagerEntry last = null;
        FieldSet ownedByOthers = FieldSet.empty();
        List<ManagerEntry> others = new ArrayList<>();
        for (ManagerEntry e : entries) {
            if (e.sameManager(manager, ManagerEntry.APPLY, apiVersion)) {
                lastSet = e.fields();
                last = e;
            } else {
                others.add(e);
                ownedByOthers = ownedByOthers.union(e.fields());
            }
        }

        ObjectNode merged = (ObjectNode) ApplyMerge.merge(liveObj, config, schema);
        prune(merged, schema, lastSet, applierSet.union(ownedByOthers), new ArrayList<>());

        Comparison diff = Comparison.of(liveObj, merged, schema);
        FieldSet changed = diff.changed();
        List<ApplyConflictException.Conflict> conflicts = new ArrayList<>();
        List<ManagerEntry> result = new ArrayList<>();
        for (ManagerEntry e : others) {
            FieldSet conflicting = e.fields().intersection(changed);
            for (List<String> path : conflicting.paths()) {
                conflicts.add(new ApplyConflictException.Conflict(e.manager(), e.operation(), e.apiVersion(),
                        e.describe(), FieldSet.display(path)));
            }
            // With force the applier takes conflicting fields; removed fields leave every set.
            result.add(e.withFields(e.fields().difference(conflicting).difference(diff.removed())));
        }
        if (!conflicts.isEmpty() && !force) {
            throw new ApplyConflictException(conflicts);
        }
        // The same configuration applied again changes nothing, its entry's time included, so nothing is written
        // (kube-apiserver keeps the resourceVersion of a no-op apply).
        boolean noOp = diff.isEmpty() && last != null && last.fields().equals(applierSet);
        result.add(noOp ? last : ManagerEntry.of(manager, ManagerEntry.APPLY, apiVersion, now, applierSet));
        ManagerEntry.write(merged, result);
        return merged;
    }

    /**
     * Removes from obj what the applier owned last time (last) that nobody owns now (owned). A member
     * goes with everything under it; a plain way down is entered, and dropped if that leaves it empty.
     */
    private static void prune(JsonNode obj, SchemaView schema, FieldSet last, FieldSet owned, List<String> path) {
        for (Map.Entry<String, FieldSet> e : last.children().entrySet()) {
            String pe = e.getKey();
            FieldSet lastChild = e.getValue();
            List<String> childPath = FieldWalk.append(path, pe);
            if (FieldWalk.ignored(childPath)) {
                continue;
            }
            boolean keep = owned.touches(childPath);
            if (!keep && lastChild.isMember()) {
                removeChild(obj, schema, pe);
                continue;
            }
            JsonNode child = child(obj, schema, pe);
            if (child == null) {
                continue;
            }
            prune(child, childSchema(schema, pe), lastChild, owned, childPath);
            if (!keep && child.isContainerNode() && child.isEmpty()) {
                removeChild(obj, schema, pe);
            }
        }
    }

    private static SchemaView childSchema(SchemaView schema, String pe) {
        return pe.startsWith("f:") ? ListSchema.child(schema, pe.substring(2)) : ListSchema.items(schema);
    }

    private static JsonNode child(JsonNode obj, SchemaView schema, String pe) {
        if (pe.startsWith("f:")) {
            return obj.isObject() ? obj.get(pe.substring(2)) : null;
        }
        int i = itemIndex(obj, schema, pe);
        return i < 0 ? null : obj.get(i);
    }

    private static void removeChild(JsonNode obj, SchemaView schema, String pe) {
        if (pe.startsWith("f:")) {
            if (obj.isObject()) {
                ((ObjectNode) obj).remove(pe.substring(2));
            }
            return;
        }
        int i = itemIndex(obj, schema, pe);
        if (i >= 0) {
            ((ArrayNode) obj).remove(i);
        }
    }

    private static int itemIndex(JsonNode list, SchemaView schema, String pe) {
        if (!list.isArray()) {
            return -1;
        }
        if (pe.startsWith("i:")) {
            int i = Integer.parseInt(pe.substring(2));
            return i < list.size() ? i : -1;
        }
        int i = 0;
        for (Iterator<JsonNode> it = list.elements(); it.hasNext(); i++) {
            if (pe.equals(FieldWalk.itemElement(it.next(), schema))) {
                return i;
            }
        }
        return -1;
    }
}
