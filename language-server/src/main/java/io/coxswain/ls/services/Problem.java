package io.coxswain.ls.services;

import io.coxswain.ls.model.Span;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * A diagnostic before it is placed: its span local to a section, so that it can be cached with the section's text.
 *
 * @param code what kind of problem (a {@link io.coxswain.schemas.ProblemCategory} name, or "syntax", "selector")
 * @param fix  the value a quick fix puts in place, or null
 */
public record Problem(Span span, String message, DiagnosticSeverity severity, String code, String fix) {

    public static final String SOURCE = "coxswain";

    public Diagnostic toDiagnostic(int startLine) {
        Span s = span.shift(startLine);
        Diagnostic d = new Diagnostic(new Range(new Position(s.startLine(), s.startColumn()),
                new Position(s.endLine(), s.endColumn())), message, severity, SOURCE, code);
        if (fix != null) {
            d.setData(fix);
        }
        return d;
    }
}
