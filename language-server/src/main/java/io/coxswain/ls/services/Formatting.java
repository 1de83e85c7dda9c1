package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;

import java.util.ArrayList;
import java.util.List;

/**
 * Formatting that keeps comments and layout: tabs in indentation become two spaces and trailing whitespace goes.
 * It edits lines in place, never re-emits the YAML, so nothing the author wrote is lost.
 */
public final class Formatting {

    public List<TextEdit> doFormat(ManifestDocument document) {
        List<TextEdit> out = new ArrayList<>();
        int lines = document.lineCount();
        for (int l = 0; l < lines; l++) {
            String line = document.line(l);
            String formatted = format(line);
            if (!formatted.equals(line)) {
                out.add(new TextEdit(new Range(new Position(l, 0), new Position(l, line.length())), formatted));
            }
        }
        return out;
    }

    static String format(String line) {
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
