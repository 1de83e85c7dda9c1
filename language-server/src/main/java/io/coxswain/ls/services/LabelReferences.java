package io.coxswain.ls.services;

import io.coxswain.ls.model.LineShape;
import io.coxswain.ls.model.Span;
import io.coxswain.ls.model.YamlContext;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * Between selectors and pod template labels across the open files: from a selector, go to the labels of the pod
 * templates it matches; from a template's labels, find the selectors that match them.
 */
public final class LabelReferences {

    public List<Location> doDefinition(PositionRequest request) {
        List<Object> path = pathAtCursor(request);
        List<Location> out = new ArrayList<>();
        if (path.size() < 2 || !"spec".equals(path.get(0)) || !"selector".equals(path.get(1))) {
            return out;
        }
        PodTemplates.selectors(request.workspace()).stream()
                .filter(s -> s.document().uri().equals(request.document().uri()) && s.sectionIndex() == request.document().sectionIndex(request.line()))
                .findFirst()
                .ifPresent(selector -> PodTemplates.templates(request.workspace()).stream()
                        .filter(t -> selector.matches(t.labels()))
                        .forEach(t -> out.add(location(t.document(), t.sectionIndex(),
                                t.parse().keyOrAncestor(t.pointer() + "/labels")))));
        return out;
    }

    public List<Location> doReferences(PositionRequest request) {
        List<Object> path = pathAtCursor(request);
        List<Location> out = new ArrayList<>();
        if (!path.contains("labels")) {
            return out;
        }
        int sectionIndex = request.document().sectionIndex(request.line());
        PodTemplates.templates(request.workspace()).stream()
                .filter(t -> t.document().uri().equals(request.document().uri()) && t.sectionIndex() == sectionIndex)
                .forEach(template -> PodTemplates.selectors(request.workspace()).stream()
                        .filter(s -> s.matches(template.labels()))
                        .forEach(s -> out.add(location(s.document(), s.sectionIndex(), s.parse().keyOrAncestor(s.pointer())))));
        return out;
    }

    private static List<Object> pathAtCursor(PositionRequest request) {
        LineShape shape = LineShape.of(request.document().line(request.line()));
        List<Object> path = YamlContext.pathTo(request.section(), request.localLine(), shape.contentColumn(), shape.dashes());
        if (shape.hasColon()) {
            path.add(shape.key());
        }
        return path;
    }

    private static Location location(io.coxswain.ls.model.ManifestDocument document, int sectionIndex, Span span) {
        Span s = span.shift(document.startLine(sectionIndex));
        return new Location(document.uri(), new Range(new Position(s.startLine(), s.startColumn()),
                new Position(s.endLine(), s.endColumn())));
    }
}
