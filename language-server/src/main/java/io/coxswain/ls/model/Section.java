package io.coxswain.ls.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One YAML document of a file: the text from its {@code ---} line (if any) to the next one. Immutable; a file
 * keeps unchanged sections, and their parse, across edits. Lines are local: line 0 is the section's first.
 */
public final class Section {

    private final String text;
    private final int[] lineStarts;
    private volatile SectionParse parse;

    Section(String text) {
        this.text = text;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        // A trailing newline ends the last line rather than starting an empty one, except in the file's last section.
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    public String text() {
        return text;
    }

    /** Lines in this section; a section that ends with a newline has an empty last line, which belongs to the next. */
    public int lineCount() {
        return lineStarts.length;
    }

    /** Lines that this section owns in the file: all but the empty tail after a final newline. */
    int ownedLines() {
        return text.endsWith("\n") ? lineStarts.length - 1 : lineStarts.length;
    }

    public String line(int line) {
        if (line < 0 || line >= lineStarts.length) {
            return "";
        }
        int start = lineStarts[line];
        int end = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(start, Math.max(start, end));
    }

    public int offset(int line, int column) {
        if (line >= lineStarts.length) {
            return text.length();
        }
        int start = lineStarts[Math.max(0, line)];
        int end = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length();
        return Math.min(start + Math.max(0, column), Math.max(start, end));
    }

    /** The parse of this text, from the shared cache, made on first use. */
    public SectionParse parse() {
        SectionParse p = parse;
        if (p == null) {
            p = SectionParser.parse(text);
            parse = p;
        }
        return p;
    }

    static boolean isSeparator(CharSequence text, int lineStart, int lineEnd) {
        return lineEnd - lineStart >= 3 && text.charAt(lineStart) == '-' && text.charAt(lineStart + 1) == '-'
                && text.charAt(lineStart + 2) == '-'
                && (lineEnd - lineStart == 3 || Character.isWhitespace(text.charAt(lineStart + 3)));
    }

    /** Cuts text into sections at {@code ---} lines; the separator line starts the section it opens. */
    static List<Section> split(String text) {
        List<Section> out = new ArrayList<>();
        int sectionStart = 0;
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int newline = text.indexOf('\n', lineStart);
            int lineEnd = newline < 0 ? text.length() : newline;
            if (lineStart > sectionStart && isSeparator(text, lineStart, lineEnd)) {
                out.add(new Section(text.substring(sectionStart, lineStart)));
                sectionStart = lineStart;
            }
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
        }
        out.add(new Section(text.substring(sectionStart)));
        return out;
    }
}
