package io.coxswain.apiserver.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths, as server-side apply tracks ownership (structured-merge-diff's fieldpath.Set).
 * A path is a list of path elements in their fieldsV1 spelling: {@code f:name} for a field or map key,
 * {@code k:{"name":"app"}} for an item of a list-map, {@code v:"x"} for an item of a set, {@code i:0}
 * for a list index. A node is a <em>member</em> when the path itself is in the set; in fieldsV1 a member
 * that also has children is marked with {@code ".": {}}.
 */
public final class FieldSet {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** fieldsV1 order: fields, then keys, values, indexes; each group sorted. */
    private static final Comparator<String> ORDER = Comparator.<String>comparingInt(FieldSet::rank)
            .thenComparing(Comparator.naturalOrder());

    private boolean member;
    private final TreeMap<String, FieldSet> children = new TreeMap<>(ORDER);

    public static FieldSet empty() {
        return new FieldSet();
    }

    public static FieldSet of(Iterable<List<String>> paths) {
        FieldSet out = new FieldSet();
        paths.forEach(out::insert);
        return out;
    }

    /** Decodes the {@code fieldsV1} JSON of a managedFields entry. */
    public static FieldSet fromFieldsV1(JsonNode fieldsV1) {
        FieldSet out = new FieldSet();
        if (fieldsV1 != null && fieldsV1.isObject()) {
            decode(fieldsV1, out);
        }
        return out;
    }

    private static void decode(JsonNode node, FieldSet into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (".".equals(e.getKey())) {
                into.member = true;
                continue;
            }
            FieldSet child = into.children.computeIfAbsent(e.getKey(), k -> new FieldSet());
            if (e.getValue().isEmpty()) {
                child.member = true;
            } else {
                decode(e.getValue(), child);
            }
        }
    }

    /** Encodes as {@code fieldsV1}, in the order Kubernetes writes it. */
    public ObjectNode toFieldsV1() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (member && !children.isEmpty()) {
            out.putObject(".");
        }
        children.forEach((pe, child) -> out.set(pe, child.toFieldsV1()));
        return out;
    }

    public boolean isEmpty() {
        return !member && children.isEmpty();
    }

    public void insert(List<String> path) {
        FieldSet node = this;
        for (String pe : path) {
            node = node.children.computeIfAbsent(pe, k -> new FieldSet());
        }
        node.member = true;
    }

    /** Whether the path itself is in the set. */
    public boolean contains(List<String> path) {
        FieldSet node = node(path);
        return node != null && node.member;
    }

    /** Whether the path or anything below it is in the set. */
    public boolean touches(List<String> path) {
        FieldSet node = node(path);
        return node != null && !node.isEmpty();
    }

    /** Whether some path strictly below this one is in the set. */
    boolean hasChildren(List<String> path) {
        FieldSet node = node(path);
        return node != null && !node.children.isEmpty();
    }

    FieldSet node(List<String> path) {
        FieldSet node = this;
        for (String pe : path) {
            node = node.children.get(pe);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    boolean isMember() {
        return member;
    }

    Map<String, FieldSet> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every member path, in fieldsV1 order. */
    public List<List<String>> paths() {
        List<List<String>> out = new ArrayList<>();
        collect(new ArrayList<>(), out);
        return out;
    }

    private void collect(List<String> prefix, List<List<String>> out) {
        if (member) {
            out.add(List.copyOf(prefix));
        }
        children.forEach((pe, child) -> {
            prefix.add(pe);
            child.collect(prefix, out);
            prefix.remove(prefix.size() - 1);
        });
    }

    public FieldSet union(FieldSet other) {
        FieldSet out = copy();
        out.addAll(other);
        return out;
    }

    public FieldSet difference(FieldSet other) {
        return filtered(other, false);
    }

    public FieldSet intersection(FieldSet other) {
        return filtered(other, true);
    }

    /** A deep copy, node by node, without nodes that hold no member (as rebuilding from the paths would). */
    private FieldSet copy() {
        FieldSet out = new FieldSet();
        out.member = member;
        children.forEach((pe, child) -> {
            FieldSet c = child.copy();
            if (!c.isEmpty()) {
                out.children.put(pe, c);
            }
        });
        return out;
    }

    /** Adds other's member paths; other is left as it was and shares no node with this set. */
    private void addAll(FieldSet other) {
        member |= other.member;
        other.children.forEach((pe, child) -> {
            FieldSet mine = children.get(pe);
            if (mine != null) {
                mine.addAll(child);
            } else {
                FieldSet c = child.copy();
                if (!c.isEmpty()) {
                    children.put(pe, c);
                }
            }
        });
    }

    /**
     * The member paths of this set that are (keep) or are not (!keep) members of other, walking both trees
     * together; nodes left without members are dropped, as rebuilding from the paths would.
     */
    private FieldSet filtered(FieldSet other, boolean keep) {
        FieldSet out = new FieldSet();
        out.member = member && (other != null && other.member) == keep;
        children.forEach((pe, child) -> {
            FieldSet kept = child.filtered(other == null ? null : other.children.get(pe), keep);
            if (!kept.isEmpty()) {
                out.children.put(pe, kept);
            }
        });
        return out;
    }

    /** A path as Kubernetes prints it in conflicts: {@code .spec.containers[name="app"].image}. */
    public static String display(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (String pe : path) {
            String body = pe.substring(2);
            switch (pe.charAt(0)) {
                case 'f':
                    out.append('.').append(body);
                    break;
                case 'k': {
                    List<String> parts = new ArrayList<>();
                    readJson(body).fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue()));
                    out.append('[').append(String.join(",", parts)).append(']');
                    break;
                }
                case 'v':
                    out.append("[=").append(readJson(body)).append(']');
                    break;
                default:
                    out.append('[').append(body).append(']');
            }
        }
        return out.toString();
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad path element JSON " + text, e);
        }
    }

    private static int rank(String pe) {
        switch (pe.isEmpty() ? ' ' : pe.charAt(0)) {
            case 'f':
                return 0;
            case 'k':
                return 1;
            case 'v':
                return 2;
            case 'i':
                return 3;
            default:
                return 4;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet && paths().equals(((FieldSet) o).paths());
    }

    @Override
    public int hashCode() {
        return paths().hashCode();
    }

    @Override
    public String toString() {
        return toFieldsV1().toString();
    }
}
