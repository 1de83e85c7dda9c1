package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.ls.model.LineShape;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.Section;
import io.coxswain.ls.model.SectionParse;
import io.coxswain.ls.model.Span;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Formatting that keeps comments and layout: block indentation becomes two spaces per level, tabs in indentation
 * become spaces and trailing whitespace goes. It edits lines in place and never re-emits the YAML, so comments,
 * quoting and key order stay as the author wrote them. The lines of a multi-line scalar (a block scalar, a folded
 * quoted string) or a flow collection move with the line they start on, so their content is unchanged. A document
 * that does not parse only gets the whitespace fixes.
 */
public final class Formatting {

    private static final int STEP = 2;

    public List<TextEdit> doFormat(ManifestDocument document) {
        List<TextEdit> out = new ArrayList<>();
        List<Section> sections = document.sections();
        for (int s = 0; s < sections.size(); s++) {
            Section section = sections.get(s);
            int start = document.startLine(s);
            String[] formatted = reindent(section);
            for (int l = 0; l < section.lineCount(); l++) {
                String line = section.line(l);
                if (!formatted[l].equals(line)) {
                    out.add(new TextEdit(new Range(new Position(start + l, 0), new Position(start + l, line.length())), formatted[l]));
                }
            }
        }
        return out;
    }

    /** Each line of the section as formatted. */
    static String[] reindent(Section section) {
        int lines = section.lineCount();
        String[] out = new String[lines];
        SectionParse parse = section.parse();
        int[] owner = parse.error() == null && parse.content() != null ? continuationOwners(section, parse) : null;
        int[] delta = new int[lines];
        // The block structure above the line: the original column of each level and the column it moves to.
        Deque<int[]> levels = new ArrayDeque<>();
        levels.push(new int[]{0, 0});
        for (int l = 0; l < lines; l++) {
            String raw = section.line(l);
            if (owner != null && owner[l] >= 0) {
                // Inside a scalar every character counts, trailing spaces included: only the indentation moves.
                int indent = indentOf(raw);
                delta[l] = delta[owner[l]];
                out[l] = raw.isBlank() ? raw : " ".repeat(Math.max(0, indent + delta[l])) + raw.substring(indent);
                continue;
            }
            String line = whitespaceFixed(raw);
            if (owner == null || line.isEmpty()) {
                out[l] = line;
                continue;
            }
            int indent = indentOf(line);
            while (levels.size() > 1 && levels.peek()[0] > indent) {
                levels.pop();
            }
            int column = levels.peek()[0] == indent ? levels.peek()[1] : levels.peek()[1] + STEP;
            LineShape shape = LineShape.of(line);
            boolean comment = line.charAt(indent) == '#';
            if (!comment && levels.peek()[0] != indent) {
                levels.push(new int[]{indent, column});
            }
            if (!comment && !shape.dashes().isEmpty() && shape.contentColumn() < line.length()) {
                // "- key: v": the keys of the item sit at the content's column; keep the spacing after the dash.
                levels.push(new int[]{shape.contentColumn(), column + shape.contentColumn() - indent});
            }
            delta[l] = column - indent;
            out[l] = " ".repeat(column) + line.substring(indent);
        }
        return out;
    }

    /**
     * For each line inside a multi-line scalar or flow collection, the line it starts on (the outermost); -1 for the
     * lines that carry block structure.
     */
    private static int[] continuationOwners(Section section, SectionParse parse) {
        int[] owner = new int[section.lineCount()];
        java.util.Arrays.fill(owner, -1);
        for (Map.Entry<String, Span> e : parse.values().entrySet()) {
            Span span = e.getValue();
            if (span.endLine() <= span.startLine() || !continuesOverLines(section, parse.content().at(e.getKey()), span)) {
                continue;
            }
            int last = span.endColumn() == 0 ? span.endLine() - 1 : span.endLine();
            for (int l = span.startLine() + 1; l <= last && l < owner.length; l++) {
                if (owner[l] < 0 || owner[l] > span.startLine()) {
                    owner[l] = span.startLine();
                }
            }
        }
        // An owner that is itself a continuation line hands its lines to its own owner.
        for (int l = 0; l < owner.length; l++) {
            if (owner[l] >= 0 && owner[owner[l]] >= 0) {
                owner[l] = owner[owner[l]];
            }
        }
        return owner;
    }

    private static boolean continuesOverLines(Section section, JsonNode value, Span span) {
        if (value.isMissingNode() || value.isValueNode()) {
            return true;
        }
        String line = section.line(span.startLine());
        if (span.startColumn() >= line.length()) {
            return false;
        }
        char first = line.charAt(span.startColumn());
        return first == '[' || first == '{';
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** Tabs in the indentation become two spaces; trailing whitespace goes; a blank line becomes empty. */
    static String whitespaceFixed(String line) {
        int i = 0;
        StringBuilder indent = new StringBuilder();
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            indent.append(line.charAt(i) == '\t' ? "  " : " ");
            i++;
        }
        String rest = line.substring(i).stripTrailing();
        return rest.isEmpty() ? "" : indent + rest;
    }
}
