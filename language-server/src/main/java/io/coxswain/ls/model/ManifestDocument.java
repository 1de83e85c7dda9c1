package io.coxswain.ls.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An open file as an immutable snapshot of sections. An edit re-cuts only the sections it touches (and the one
 * before, which a removed {@code ---} merges into); every other section, and its parse, is shared with the
 * previous snapshot. A keystroke in a 10 MB file therefore copies references, not text.
 */
public final class ManifestDocument {

    private final String uri;
    private final int version;
    private final List<Section> sections;
    private final int[] startLines;

    private ManifestDocument(String uri, int version, List<Section> sections) {
        this.uri = uri;
        this.version = version;
        this.sections = Collections.unmodifiableList(sections);
        this.startLines = new int[sections.size()];
        int line = 0;
        for (int i = 0; i < sections.size(); i++) {
            startLines[i] = line;
            line += sections.get(i).ownedLines();
        }
    }

    public static ManifestDocument of(String uri, int version, String text) {
        return new ManifestDocument(uri, version, Section.split(text));
    }

    public String uri() {
        return uri;
    }

    public int version() {
        return version;
    }

    public List<Section> sections() {
        return sections;
    }

    public int startLine(int section) {
        return startLines[section];
    }

    /** The index of the section that holds this line (0-based, absolute). */
    public int sectionIndex(int line) {
        int low = 0;
        int high = startLines.length - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (startLines[mid] <= line) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    public String line(int line) {
        int i = sectionIndex(line);
        return sections.get(i).line(line - startLines[i]);
    }

    public int lineCount() {
        Section last = sections.get(sections.size() - 1);
        return startLines[sections.size() - 1] + last.lineCount();
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        sections.forEach(s -> out.append(s.text()));
        return out.toString();
    }

    /** The snapshot after replacing the range (absolute lines and UTF-16 columns) with new text. */
    public ManifestDocument apply(int startLine, int startColumn, int endLine, int endColumn, String newText, int newVersion) {
        int first = sectionIndex(startLine);
        if (first > 0 && startLine == startLines[first]) {
            first--; // the edit may turn the "---" line into text, which then joins the section before
        }
        int last = sectionIndex(endLine);
        int baseLine = startLines[first];
        StringBuilder joined = new StringBuilder();
        for (int i = first; i <= last; i++) {
            joined.append(sections.get(i).text());
        }
        Section scratch = new Section(joined.toString());
        int from = scratch.offset(startLine - baseLine, startColumn);
        int to = Math.max(from, scratch.offset(endLine - baseLine, endColumn));
        joined.replace(from, to, newText);
        List<Section> next = new ArrayList<>(sections.size() + 4);
        next.addAll(sections.subList(0, first));
        next.addAll(Section.split(joined.toString()));
        next.addAll(sections.subList(last + 1, sections.size()));
        // An empty tail section only stands for the end of the text; keep at most one, at the end.
        next.removeIf(s -> s.text().isEmpty());
        if (next.isEmpty()) {
            next.add(new Section(""));
        }
        return new ManifestDocument(uri, newVersion, next);
    }
}
