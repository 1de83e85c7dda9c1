package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.Hover;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers in the style of LemMinX's XMLAssert: text with a {@code |} cursor marker, and the expected result. */
public final class ManifestAssert {

    public static final String URI = "file:///test.yaml";

    private ManifestAssert() {
    }

    /** A cursor in text: the text without its {@code |}, and the line and column where it was. */
    public record Cursor(String text, int line, int character) {
        public static Cursor of(String marked) {
            int at = marked.indexOf('|');
            assertThat(at).as("the text has a | cursor marker").isGreaterThanOrEqualTo(0);
            String before = marked.substring(0, at);
            int line = (int) before.chars().filter(c -> c == '\n').count();
            int character = at - (before.lastIndexOf('\n') + 1);
            return new Cursor(before + marked.substring(at + 1), line, character);
        }
    }

    public static ManifestLanguageService service(String... otherFiles) {
        Workspace workspace = new Workspace();
        for (int i = 0; i < otherFiles.length; i++) {
            workspace.put(ManifestDocument.of("file:///other" + i + ".yaml", 1, otherFiles[i]));
        }
        return new ManifestLanguageService(workspace, Schemas.STANDARD);
    }

    public static ManifestDocument open(ManifestLanguageService service, String text) {
        ManifestDocument document = ManifestDocument.of(URI, 1, text);
        service.workspace().put(document);
        return document;
    }

    public static List<CompletionItem> completion(String marked, String... otherFiles) {
        Cursor cursor = Cursor.of(marked);
        ManifestLanguageService service = service(otherFiles);
        List<CompletionItem> items = service.completion(open(service, cursor.text()), cursor.line(), cursor.character());
        assertThat(items.stream().map(CompletionItem::getLabel).distinct().count()).as("no duplicate labels")
                .isEqualTo(items.size());
        return items;
    }

    public static List<CompletionItem> assertCompletion(String marked, String... expectedLabels) {
        List<CompletionItem> items = completion(marked);
        assertThat(items).extracting(CompletionItem::getLabel).contains(expectedLabels);
        return items;
    }

    public static void assertNoCompletion(String marked, String... unexpectedLabels) {
        assertThat(completion(marked)).extracting(CompletionItem::getLabel).doesNotContain(unexpectedLabels);
    }

    public static CompletionItem item(List<CompletionItem> items, String label) {
        return items.stream().filter(i -> i.getLabel().equals(label)).findFirst().orElseThrow();
    }

    public static List<Diagnostic> diagnostics(String text, String... otherFiles) {
        ManifestLanguageService service = service(otherFiles);
        return service.diagnostics(open(service, text));
    }

    public static String hover(String marked) {
        Cursor cursor = Cursor.of(marked);
        ManifestLanguageService service = service();
        Hover hover = service.hover(open(service, cursor.text()), cursor.line(), cursor.character());
        return hover == null ? null : hover.getContents().getRight().getValue();
    }

    public static String message(Diagnostic d) {
        return d.getMessage().isLeft() ? d.getMessage().getLeft() : d.getMessage().getRight().getValue();
    }

    /** A diagnostic's place as "line:start-end" (0-based), for short assertions. */
    public static String at(Diagnostic d) {
        var r = d.getRange();
        return r.getStart().getLine() + ":" + r.getStart().getCharacter() + "-"
                + (r.getEnd().getLine() == r.getStart().getLine() ? "" : r.getEnd().getLine() + ":") + r.getEnd().getCharacter();
    }
}
