package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.InsertTextFormat;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/** A completion request: the cursor's context, and the range that a proposal replaces (the word typed so far). */
public final class CompletionRequest extends PositionRequest {

    public CompletionRequest(ManifestDocument document, Workspace workspace, Schemas schemas, int line, int character) {
        super(document, workspace, schemas, line, character);
    }

    /** The range of the word at the cursor, which a proposal replaces. */
    public Range replaceRange() {
        int start = Math.max(0, character() - context().prefix().length());
        String text = document().line(line());
        if (context().valueOf() == null) {
            start = Math.min(context().column(), character());
        } else {
            start = Math.max(0, Math.min(start, text.length()));
        }
        // The rest of a word under the cursor goes too, when nothing but spaces follows it (a key's colon stays).
        int end = character();
        if (end <= text.length() && text.substring(end).matches("[^\\s:#]*\\s*")) {
            end = text.length();
        }
        return new Range(new Position(line(), start), new Position(line(), end));
    }

    private boolean afterColon() {
        String text = document().line(line());
        return character() > 0 && character() <= text.length() && text.charAt(character() - 1) == ':';
    }

    /** Spaces for a child of the map at the cursor. */
    public String childIndent() {
        return " ".repeat(context().column() + 2);
    }

    public CompletionItem item(String label, CompletionItemKind kind, String insert, boolean snippet, String sort,
                               String detail, String documentation) {
        CompletionItem item = new CompletionItem(label);
        item.setKind(kind);
        if (context().valueOf() != null && afterColon()) {
            insert = " " + insert; // right after "key:", a value needs its space
        }
        item.setTextEdit(Either.forLeft(new TextEdit(replaceRange(), insert)));
        item.setInsertTextFormat(snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText);
        item.setSortText(sort);
        item.setFilterText(label);
        item.setDetail(detail);
        if (documentation != null) {
            item.setDocumentation(new MarkupContent(MarkupKind.MARKDOWN, documentation));
        }
        return item;
    }
}
