package io.coxswain.ls.services;

import io.coxswain.ls.model.LineShape;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.Section;
import org.eclipse.lsp4j.FoldingRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Folding ranges from indentation: each document, and each key or list item whose block spans lines. */
public final class Folding {

    private static final int MAX_RANGES = 5_000;

    public List<FoldingRange> doFolding(ManifestDocument document) {
        List<FoldingRange> out = new ArrayList<>();
        List<Section> sections = document.sections();
        for (int i = 0; i < sections.size() && out.size() < MAX_RANGES; i++) {
            Section section = sections.get(i);
            int start = document.startLine(i);
            int lastContent = -1;
            Deque<int[]> open = new ArrayDeque<>(); // {line, column}
            for (int l = 0; l < section.lineCount(); l++) {
                LineShape shape = LineShape.of(section.line(l));
                if (shape.blank() || shape.isSeparator()) {
                    continue;
                }
                int column = shape.structureColumn();
                while (!open.isEmpty() && open.peek()[1] >= column) {
                    close(open.pop(), lastContent, start, out);
                }
                open.push(new int[]{l, column});
                lastContent = l;
            }
            while (!open.isEmpty()) {
                close(open.pop(), lastContent, start, out);
            }
            if (lastContent > 0) {
                out.add(new FoldingRange(start, start + lastContent));
            }
        }
        return out;
    }

    private static void close(int[] opened, int lastContent, int start, List<FoldingRange> out) {
        if (lastContent > opened[0] && out.size() < MAX_RANGES) {
            out.add(new FoldingRange(start + opened[0], start + lastContent));
        }
    }
}
