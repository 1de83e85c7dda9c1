package io.coxswain.ls.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of YAML as indentation sees it, without a parser: the columns of its {@code - } markers, where its
 * content starts, its key (or half-typed word) and, after a colon, its value. It works on any text, so completion
 * and hover keep working on lines that do not parse.
 */
public record LineShape(List<Integer> dashes, int contentColumn, String key, boolean hasColon, int valueColumn,
                        String value, boolean blank) {

    public static LineShape of(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        List<Integer> dashes = new ArrayList<>();
        while (i < n && line.charAt(i) == '-' && (i + 1 == n || line.charAt(i + 1) == ' ')) {
            dashes.add(i);
            i++;
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
        }
        int content = i;
        if (i >= n || line.charAt(i) == '#') {
            return new LineShape(dashes, content, "", false, n, "", dashes.isEmpty());
        }
        int colon = keyColon(line, i);
        if (colon < 0) {
            return new LineShape(dashes, content, unquote(line.substring(i).trim()), false, n, "", false);
        }
        int v = colon + 1;
        while (v < n && line.charAt(v) == ' ') {
            v++;
        }
        String value = line.substring(v);
        int comment = value.indexOf(" #");
        if (comment >= 0) {
            value = value.substring(0, comment);
        }
        return new LineShape(dashes, content, unquote(line.substring(i, colon).trim()), true, v, value.trim(), false);
    }

    /** The colon that ends a key: followed by a space or the end of line, outside quotes. */
    private static int keyColon(String line, int from) {
        char quote = 0;
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && i == from) {
                quote = c;
            } else if (c == ':' && (i + 1 == line.length() || line.charAt(i + 1) == ' ' || line.charAt(i + 1) == '\t')) {
                return i;
            } else if (c == ' ' && i + 1 < line.length() && line.charAt(i + 1) == '#') {
                return -1;
            }
        }
        return -1;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** Where the structure of the line starts: its first dash, or its content. */
    public int structureColumn() {
        return dashes.isEmpty() ? contentColumn : dashes.get(0);
    }

    public boolean isSeparator() {
        return dashes.isEmpty() && key.startsWith("---");
    }
}
