package io.coxswain.schemas;

import java.util.ArrayList;
import java.util.List;

/** Converts between Kubernetes field paths ({@code spec.containers[0].image}) and JSON pointers. */
public final class FieldPath {

    private FieldPath() {
    }

    /** Splits a dotted path with {@code [i]} indexes into names and integers. */
    public static List<Object> parse(String dotted) {
        List<Object> out = new ArrayList<>();
        if (dotted == null || dotted.isEmpty()) {
            return out;
        }
        for (String part : dotted.split("\\.")) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            if (!name.isEmpty()) {
                out.add(name);
            }
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed [ in field path " + dotted);
                }
                out.add(Integer.parseInt(part.substring(bracket + 1, close)));
                bracket = part.indexOf('[', close);
            }
        }
        return out;
    }

    /** {@code /spec/containers/0/image} to {@code spec.containers[0].image}. */
    public static String fromPointer(String pointer) {
        StringBuilder out = new StringBuilder();
        for (String raw : pointer.split("/")) {
            if (raw.isEmpty()) {
                continue;
            }
            String token = raw.replace("~1", "/").replace("~0", "~");
            if (token.chars().allMatch(Character::isDigit)) {
                out.append('[').append(token).append(']');
            } else {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(token);
            }
        }
        return out.toString();
    }

    /** Appends one token to a JSON pointer, escaping it. */
    public static String child(String pointer, Object token) {
        return pointer + "/" + String.valueOf(token).replace("~", "~0").replace("/", "~1");
    }
}
