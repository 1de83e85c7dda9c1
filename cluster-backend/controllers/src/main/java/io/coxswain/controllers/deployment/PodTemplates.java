package io.coxswain.controllers.deployment;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The identity of a pod template: {@code pod-template-hash} and EqualIgnoreHash. Kubernetes hashes the Go struct
 * (spew's dump through FNV-32a); ours is FNV-32a of the template's canonical JSON (keys sorted; nulls, empty
 * maps and empty lists left out, as Semantic.DeepEqual does not tell them apart), then the collision count as
 * four little-endian bytes, encoded with rand.SafeEncodeString like Kubernetes'.
 */
public final class PodTemplates {

    public static final String HASH_LABEL = "pod-template-hash";
    /** rand.SafeEncodeString's alphabet: no vowels, no 0/1/3 (nothing that spells words or looks alike). */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private PodTemplates() {
    }

    /** ComputeHash(template, collisionCount). */
    public static String hash(PodTemplateSpec template, Integer collisionCount) {
        byte[] json = canonical(normalized(template)).getBytes(StandardCharsets.UTF_8);
        int h = 0x811c9dc5;
        for (byte b : json) {
            h = fnvStep(h, b);
        }
        if (collisionCount != null) {
            int c = collisionCount;
            for (int i = 0; i < 4; i++) {
                h = fnvStep(h, (byte) (c >>> (8 * i)));
            }
        }
        return safeEncode(Integer.toUnsignedString(h));
    }

    private static int fnvStep(int h, byte b) {
        return (h ^ (b & 0xff)) * 0x01000193;
    }

    /** rand.SafeEncodeString: each byte picks a character of the alphabet. */
    static String safeEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append(ALPHANUMS.charAt((b & 0xff) % ALPHANUMS.length()));
        }
        return out.toString();
    }

    /** EqualIgnoreHash: the same template once the pod-template-hash label is left out of both. */
    public static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return normalized(a).equals(normalized(b));
    }

    /** The template as a JSON tree without the hash label, creationTimestamp, nulls or empty containers. */
    static JsonNode normalized(PodTemplateSpec template) {
        JsonNode tree = template == null ? JsonNodeFactory.instance.objectNode() : Serialization.jsonMapper().valueToTree(template);
        if (tree.path("metadata") instanceof ObjectNode meta) {
            meta.remove("creationTimestamp");
            if (meta.path("labels") instanceof ObjectNode labels) {
                labels.remove(HASH_LABEL);
            }
        }
        JsonNode pruned = prune(tree);
        return pruned == null ? JsonNodeFactory.instance.objectNode() : pruned;
    }

    /** @return the node without null or empty members, or null when nothing is left */
    private static JsonNode prune(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode v = prune(e.getValue());
                if (v != null) {
                    out.set(e.getKey(), v);
                }
            }
            return out.isEmpty() ? null : out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : node) {
                JsonNode v = prune(element);
                out.add(v == null ? JsonNodeFactory.instance.objectNode() : v);
            }
            return out.isEmpty() ? null : out;
        }
        return node;
    }

    /** JSON with the keys of every object sorted. */
    static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.propertyNames());
            Collections.sort(names);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(Serialization.asJson(names.get(i))).append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node.toString());
        }
    }
}
