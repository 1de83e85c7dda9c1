package io.coxswain.ls.services;

import com.google.gson.JsonPrimitive;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.SectionParse;
import io.coxswain.ls.model.Span;
import io.coxswain.schemas.ProblemCategory;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quick fixes for this server's diagnostics: the closest known key for a mistyped one, the missing required field,
 * the apiVersion that serves the kind, and a quoted or unquoted value of the wrong type.
 */
public final class CodeActions {

    public List<CodeAction> doCodeActions(ManifestDocument document, List<Diagnostic> diagnostics) {
        List<CodeAction> out = new ArrayList<>();
        for (Diagnostic d : diagnostics) {
            String fix = data(d);
            if (fix == null || !Problem.SOURCE.equals(d.getSource()) || d.getCode() == null || !d.getCode().isLeft()) {
                continue;
            }
            String code = d.getCode().getLeft();
            if (code.equals(ProblemCategory.UNKNOWN_FIELD.name())) {
                out.add(action("Change to \"" + fix + "\"", document, d, new TextEdit(d.getRange(), fix)));
            } else if (code.equals(ProblemCategory.UNKNOWN_KIND.name())) {
                out.add(action("Set apiVersion to \"" + fix + "\"", document, d, new TextEdit(d.getRange(), fix)));
            } else if (code.equals(ProblemCategory.TYPE.name())) {
                out.add(action((fix.startsWith("\"") ? "Quote as " : "Unquote as ") + fix, document, d,
                        new TextEdit(d.getRange(), fix)));
            } else if (code.equals(ProblemCategory.REQUIRED.name())) {
                TextEdit edit = addField(document, d.getRange().getStart().getLine(), fix);
                if (edit != null) {
                    out.add(action("Add required field \"" + fix.substring(fix.lastIndexOf('/') + 1) + "\"", document, d, edit));
                }
            }
        }
        return out;
    }

    /** Puts {@code field: } first in the parent map, at the parent's column. */
    private static TextEdit addField(ManifestDocument document, int line, String pointer) {
        int index = document.sectionIndex(line);
        SectionParse parse = document.sections().get(index).parse();
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        Span span = parse.values().get(parent);
        if (span == null || parse.content() == null || !parse.content().at(parent).isObject()) {
            return null;
        }
        String field = pointer.substring(pointer.lastIndexOf('/') + 1);
        Position at = new Position(document.startLine(index) + span.startLine(), span.startColumn());
        boolean empty = parse.content().at(parent).isEmpty();
        String text = empty ? field + ": " : field + ": \n" + " ".repeat(span.startColumn());
        return new TextEdit(new Range(at, at), text);
    }

    private static CodeAction action(String title, ManifestDocument document, Diagnostic d, TextEdit edit) {
        CodeAction action = new CodeAction(title);
        action.setKind(CodeActionKind.QuickFix);
        action.setDiagnostics(List.of(d));
        action.setEdit(new WorkspaceEdit(Map.of(document.uri(), List.of(edit))));
        return action;
    }

    /** The fix a diagnostic carries: a String when made here, a JSON primitive when it comes back from the client. */
    private static String data(Diagnostic d) {
        Object data = d.getData();
        if (data instanceof String s) {
            return s;
        }
        if (data instanceof JsonPrimitive p && p.isString()) {
            return p.getAsString();
        }
        return null;
    }
}
