package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.ls.model.LruCache;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.Section;
import io.coxswain.ls.model.SectionParse;
import io.coxswain.ls.model.Span;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaView;
import io.coxswain.schemas.ValidationProblem;
import io.coxswain.schemas.ValidationReport;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * YAML syntax errors and the schema's findings (type, enum, required, pattern, format, unknown fields with a
 * "did you mean", semantic checks), each placed on the node its JSON pointer names. Cached by section text: an
 * edit re-validates only the documents it touched.
 */
public final class SchemaDiagnosticsParticipant implements DiagnosticsParticipant {

    private final LruCache<String, List<Problem>> cache = new LruCache<>(20_000);

    @Override
    public void doDiagnostics(DiagnosticsRequest request, List<Diagnostic> out) {
        ManifestDocument document = request.document();
        List<Section> sections = document.sections();
        for (int i = 0; i < sections.size(); i++) {
            Section section = sections.get(i);
            int start = document.startLine(i);
            for (Problem p : cache.get(section.text(), t -> problems(section, request.schemas()))) {
                out.add(p.toDiagnostic(start));
            }
        }
    }

    static List<Problem> problems(Section section, Schemas schemas) {
        SectionParse parse = section.parse();
        List<Problem> out = new ArrayList<>();
        if (parse.error() != null) {
            SectionParse.SyntaxError e = parse.error();
            String line = section.line(e.line());
            int end = e.column();
            while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
                end++;
            }
            out.add(new Problem(new Span(e.line(), e.column(), e.line(), Math.max(end, e.column() + 1)),
                    "YAML: " + e.message(), DiagnosticSeverity.Error, "syntax", null));
            return out;
        }
        JsonNode content = parse.content();
        if (content == null) {
            return out;
        }
        ValidationReport report = schemas.validator().validate(content);
        for (ValidationProblem problem : report.problems()) {
            try {
                out.add(place(problem, parse, report.kind(), schemas, content));
            } catch (RuntimeException e) {
                out.add(new Problem(parse.valueOrAncestor(problem.pointer()), problem.message(), DiagnosticSeverity.Error,
                        problem.category().name(), null));
            }
        }
        return out;
    }

    private static Problem place(ValidationProblem problem, SectionParse parse, Optional<KindSchema> kind, Schemas schemas,
                                 JsonNode content) {
        String pointer = problem.pointer();
        String code = problem.category().name();
        switch (problem.category()) {
            case UNKNOWN_KIND -> {
                // One hint, not an error: the file may hold kinds this server has no schema for.
                String fix = null;
                List<io.coxswain.schemas.GroupVersionKind> named = schemas.catalog().kindsNamed(content.path("kind").asText());
                if (!named.isEmpty()) {
                    fix = named.get(0).apiVersion();
                }
                DiagnosticSeverity severity = fix == null ? DiagnosticSeverity.Information : DiagnosticSeverity.Error;
                return new Problem(parse.valueOrAncestor(pointer), problem.message(), severity, code, fix);
            }
            case UNKNOWN_FIELD -> {
                String fix = null;
                String message = problem.message();
                List<Object> path = path(pointer);
                String name = path.isEmpty() ? "" : String.valueOf(path.get(path.size() - 1));
                if (kind.isPresent() && !path.isEmpty()) {
                    List<Object> parent = path.subList(0, path.size() - 1);
                    fix = schemas.at(kind.get(), parent).map(SchemaView::properties)
                            .map(props -> Names.closest(name, props.keySet())).orElse(null);
                }
                if (fix != null && !message.contains("did you mean")) {
                    message += "; did you mean \"" + fix + "\"?";
                }
                return new Problem(parse.keyOrAncestor(pointer), message, DiagnosticSeverity.Error, code, fix);
            }
            case REQUIRED -> {
                Span at = pointer.lastIndexOf('/') == 0 ? parse.keyOrAncestor("/kind") : parse.keyOrAncestor(pointer);
                return new Problem(at, problem.message(), DiagnosticSeverity.Error, code, pointer);
            }
            case TYPE -> {
                JsonNode value = content.at(pointer);
                String fix = null;
                if (value.isValueNode() && !value.isTextual() && problem.message().startsWith("must be string")) {
                    fix = "\"" + value.asText() + "\"";
                } else if (value.isTextual() && !problem.message().startsWith("must be string")) {
                    fix = value.asText();
                }
                return new Problem(parse.valueOrAncestor(pointer), problem.message(), DiagnosticSeverity.Error, code, fix);
            }
            default -> {
                return new Problem(parse.valueOrAncestor(pointer), problem.message(), DiagnosticSeverity.Error, code, null);
            }
        }
    }

    /** A JSON pointer as a schema path: unescaped names, and list indexes as integers. */
    static List<Object> path(String pointer) {
        List<Object> out = new ArrayList<>();
        if (pointer.isEmpty()) {
            return out;
        }
        for (String token : pointer.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            out.add(!name.isEmpty() && name.length() < 10 && name.chars().allMatch(Character::isDigit) ? (Object) Integer.valueOf(name) : name);
        }
        return out;
    }
}
