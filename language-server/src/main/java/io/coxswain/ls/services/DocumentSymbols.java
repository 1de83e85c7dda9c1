package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.Section;
import io.coxswain.ls.model.SectionParse;
import io.coxswain.ls.model.Span;
import io.coxswain.ls.model.YamlContext;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SymbolKind;

import java.util.ArrayList;
import java.util.List;

/** The outline: one symbol per document ({@code Kind name}), with its containers and their ports. */
public final class DocumentSymbols {

    private static final int MAX_SYMBOLS = 5_000;

    public List<DocumentSymbol> doSymbols(ManifestDocument document) {
        List<DocumentSymbol> out = new ArrayList<>();
        List<Section> sections = document.sections();
        for (int i = 0; i < sections.size() && out.size() < MAX_SYMBOLS; i++) {
            Section section = sections.get(i);
            int start = document.startLine(i);
            String kind = YamlContext.topLevel(section, "kind");
            JsonNode content = section.parse().content();
            if (kind == null && content == null) {
                continue;
            }
            String name = content != null ? content.path("metadata").path("name").asText("") : "";
            int last = Math.max(0, section.lineCount() - (section.text().endsWith("\n") ? 2 : 1));
            Range whole = new Range(new Position(start, 0), new Position(start + last, section.line(last).length()));
            DocumentSymbol symbol = new DocumentSymbol((kind == null ? "?" : kind) + (name.isEmpty() ? "" : " " + name),
                    SymbolKind.Class, whole, whole);
            symbol.setChildren(containers(section.parse(), content, start));
            out.add(symbol);
        }
        return out;
    }

    private static List<DocumentSymbol> containers(SectionParse parse, JsonNode content, int start) {
        List<DocumentSymbol> out = new ArrayList<>();
        String template = PodTemplates.templatePointer(content);
        if (template == null) {
            return out;
        }
        String listPointer = template + "/spec/containers";
        JsonNode containers = content.at(listPointer);
        for (int c = 0; c < containers.size(); c++) {
            String at = listPointer + "/" + c;
            DocumentSymbol container = symbol("container " + containers.get(c).path("name").asText(), SymbolKind.Object,
                    parse.valueOrAncestor(at), start);
            List<DocumentSymbol> ports = new ArrayList<>();
            JsonNode list = containers.get(c).path("ports");
            for (int p = 0; p < list.size(); p++) {
                JsonNode port = list.get(p);
                String label = "port " + port.path("containerPort").asText() + (port.has("name") ? " " + port.path("name").asText() : "");
                ports.add(symbol(label, SymbolKind.Number, parse.valueOrAncestor(at + "/ports/" + p), start));
            }
            container.setChildren(ports);
            out.add(container);
        }
        return out;
    }

    private static DocumentSymbol symbol(String name, SymbolKind kind, Span span, int start) {
        Span s = span.shift(start);
        Range range = new Range(new Position(s.startLine(), s.startColumn()), new Position(s.endLine(), s.endColumn()));
        return new DocumentSymbol(name, kind, range, range);
    }
}
