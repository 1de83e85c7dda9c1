package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.ls.model.LineShape;
import io.coxswain.ls.model.YamlContext;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaView;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Hover on a key or its value: description, type, whether required, allowed values, default; on kind, the resource. */
public final class Hover {

    public org.eclipse.lsp4j.Hover doHover(PositionRequest request) {
        String text = request.document().line(request.line());
        LineShape shape = LineShape.of(text);
        if (shape.blank() || !shape.hasColon() || request.character() < shape.contentColumn()) {
            return null;
        }
        Optional<KindSchema> kind = request.kind();
        if (kind.isEmpty()) {
            return null;
        }
        List<Object> parent = YamlContext.pathTo(request.section(), request.localLine(), shape.contentColumn(), shape.dashes());
        String key = shape.key();
        Range range = new Range(new Position(request.line(), shape.contentColumn()),
                new Position(request.line(), shape.contentColumn() + key.length()));
        if (parent.isEmpty() && ("kind".equals(key) || "apiVersion".equals(key))) {
            SchemaView root = request.schemas().root(kind.get());
            String md = "**" + kind.get().gvk().kind() + "** (`" + kind.get().gvk().apiVersion() + "`)\n\n"
                    + nonNull(root.description());
            return new org.eclipse.lsp4j.Hover(new MarkupContent(MarkupKind.MARKDOWN, md), range);
        }
        List<Object> path = new ArrayList<>(parent);
        path.add(key);
        Optional<SchemaView> view = request.schemas().at(kind.get(), path);
        if (view.isEmpty()) {
            return null;
        }
        boolean required = request.schemas().at(kind.get(), parent).map(p -> p.required().contains(key)).orElse(false);
        return new org.eclipse.lsp4j.Hover(new MarkupContent(MarkupKind.MARKDOWN, markdown(key, view.get(), required)), range);
    }

    static String markdown(String key, SchemaView view, boolean required) {
        StringBuilder md = new StringBuilder("**").append(key).append("**: `").append(typeOf(view)).append('`');
        if (required) {
            md.append(" (required)");
        }
        md.append("\n\n").append(nonNull(view.description()));
        List<JsonNode> allowed = view.enumValues();
        if (!allowed.isEmpty()) {
            md.append("\n\nAllowed values: ")
                    .append(allowed.stream().map(v -> "`" + v.asText() + "`").collect(Collectors.joining(", ")));
        }
        JsonNode def = view.target().node().get("default");
        if (def == null) {
            def = view.site().node().get("default");
        }
        if (def != null) {
            md.append("\n\nDefault: `").append(def.isTextual() ? def.asText() : def.toString()).append('`');
        }
        return md.toString();
    }

    /** The type as a reader wants it: {@code integer or string}, {@code []Container}, {@code PodSpec}. */
    static String typeOf(SchemaView view) {
        if (view.extension("x-kubernetes-int-or-string").asBoolean(false)) {
            return "integer or string";
        }
        List<String> types = view.types();
        if (types.contains("array")) {
            return "[]" + view.items().map(Hover::typeOf).orElse("any");
        }
        if (view.typeName() != null) {
            return view.typeName();
        }
        if (types.contains("object") && view.properties().isEmpty() && view.mapValues().isPresent()) {
            return "map[string]" + typeOf(view.mapValues().get());
        }
        return types.isEmpty() ? "any" : String.join(" or ", types);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
