package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.schemas.SchemaView;

import java.util.List;
import java.util.Map;

/**
 * What changed between two versions of an object, as sets of member paths (structured-merge-diff's
 * Compare). Modified only holds leaves: a container whose children changed is not itself modified.
 */
record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {

    static Comparison of(JsonNode oldObj, JsonNode newObj, SchemaView schema) {
        Map<List<String>, JsonNode> before = FieldWalk.members(oldObj, schema);
        Map<List<String>, JsonNode> after = FieldWalk.members(newObj, schema);
        FieldSet afterSet = FieldSet.of(after.keySet());
        if (before.isEmpty()) {
            // A create: everything is added, and the set of what is there already says so.
            return new Comparison(afterSet, FieldSet.empty(), FieldSet.empty());
        }
        FieldSet beforeSet = FieldSet.of(before.keySet());
        FieldSet added = FieldSet.empty();
        FieldSet modified = FieldSet.empty();
        FieldSet removed = FieldSet.empty();
        after.forEach((path, value) -> {
            if (!before.containsKey(path)) {
                added.insert(path);
            } else if (!beforeSet.hasChildren(path) && !afterSet.hasChildren(path)
                    && !JsonValues.equal(before.get(path), value)) {
                modified.insert(path);
            }
        });
        before.keySet().forEach(path -> {
            if (!after.containsKey(path)) {
                removed.insert(path);
            }
        });
        return new Comparison(added, modified, removed);
    }

    boolean isEmpty() {
        return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
    }

    /** Added or modified; when nothing was modified, the added set itself (not to be changed by the caller). */
    FieldSet changed() {
        return modified.isEmpty() ? added : added.union(modified);
    }
}
