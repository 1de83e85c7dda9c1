package io.coxswain.ls.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The place of a cursor in a section, found from indentation and the lines above it, as yaml-language-server
 * does: it needs no parse, so it works mid-word, on a key without a colon, after a half-written {@code - }.
 *
 * @param path      property names and list indexes (0) from the root to the map (or the key, for a value) at the cursor
 * @param valueOf   the key whose value the cursor is in, or null when the cursor is where a key goes
 * @param prefix    the word already typed before the cursor
 * @param column    the column where the key at the cursor starts
 * @param present   keys already in the map at the cursor
 */
public record YamlContext(List<Object> path, String valueOf, String prefix, int column, Set<String> present) {

    /** The context at a local line and column of the section. */
    public static YamlContext at(Section section, int line, int character) {
        String text = section.line(line);
        String before = text.substring(0, Math.min(character, text.length()));
        LineShape shape = LineShape.of(before);
        if (shape.hasColon()) {
            List<Object> path = pathTo(section, line, shape.contentColumn(), shape.dashes());
            path.add(shape.key());
            return new YamlContext(path, shape.key(), shape.value(), shape.contentColumn(), Set.of());
        }
        int column = shape.blank() ? before.length() : shape.contentColumn();
        List<Object> path = pathTo(section, line, column, shape.dashes());
        return new YamlContext(path, null, shape.key(), column, presentKeys(section, line, column, !shape.dashes().isEmpty()));
    }

    /** The path of the map that holds a key at this column of this line (the key itself not included). */
    public static List<Object> pathTo(Section section, int line, int column, List<Integer> dashes) {
        List<Object> path = new ArrayList<>();
        int c = column;
        boolean inItem = !dashes.isEmpty();
        if (inItem) {
            dashes.forEach(d -> path.add(0, 0));
            c = dashes.get(0);
        }
        for (int l = line - 1; l >= 0 && (c > 0 || inItem); l--) {
            LineShape shape = LineShape.of(section.line(l));
            if (shape.blank() || shape.key().startsWith("#")) {
                continue;
            }
            if (shape.isSeparator()) {
                break;
            }
            int kc = shape.contentColumn();
            if (!inItem) {
                if (kc == c) {
                    if (!shape.dashes().isEmpty()) {
                        shape.dashes().forEach(d -> path.add(0, 0));
                        c = shape.dashes().get(0);
                        inItem = true;
                    }
                    continue;
                }
                if (kc > c || shape.structureColumn() > c) {
                    continue;
                }
            } else {
                int first = shape.structureColumn();
                if (first > c || (first == c && !shape.dashes().isEmpty())) {
                    continue;
                }
                if (kc > c) {
                    continue;
                }
            }
            // kc < c (or a compact list's key at the dash column): this line's key owns what we are in.
            path.add(0, shape.key());
            c = kc;
            inItem = false;
            if (!shape.dashes().isEmpty()) {
                shape.dashes().forEach(d -> path.add(0, 0));
                c = shape.dashes().get(0);
                inItem = true;
            }
        }
        return path;
    }

    /** Keys at the same column in the same map, above and below the cursor line. */
    static Set<String> presentKeys(Section section, int line, int column, boolean startsItem) {
        Set<String> out = new LinkedHashSet<>();
        if (!startsItem) {
            for (int l = line - 1; l >= 0; l--) {
                LineShape shape = LineShape.of(section.line(l));
                if (shape.blank()) {
                    continue;
                }
                if (shape.isSeparator() || shape.contentColumn() < column) {
                    break;
                }
                if (shape.contentColumn() == column && shape.hasColon()) {
                    out.add(shape.key());
                    if (!shape.dashes().isEmpty()) {
                        break;
                    }
                }
            }
        }
        for (int l = line + 1; l < section.lineCount(); l++) {
            LineShape shape = LineShape.of(section.line(l));
            if (shape.blank()) {
                continue;
            }
            if (shape.isSeparator() || shape.structureColumn() < column
                    || (shape.contentColumn() == column && !shape.dashes().isEmpty())) {
                break;
            }
            if (shape.contentColumn() == column && shape.hasColon()) {
                out.add(shape.key());
            }
        }
        return out;
    }

    /** The value of a top-level key ({@code kind}, {@code apiVersion}) read from the lines, parse or not. */
    public static String topLevel(Section section, String key) {
        for (int l = 0; l < section.lineCount(); l++) {
            String line = section.line(l);
            if (line.startsWith(key + ":")) {
                String value = LineShape.of(line).value();
                return value.isEmpty() ? null : value.replaceAll("^[\"']|[\"']$", "");
            }
        }
        return null;
    }
}
