package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.FoldingRange;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.TextEdit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.coxswain.ls.services.ManifestAssert.Cursor;
import static io.coxswain.ls.services.ManifestAssert.open;
import static io.coxswain.ls.services.ManifestAssert.service;
import static org.assertj.core.api.Assertions.assertThat;

/** Symbols, folding, code actions, selector links and formatting. */
class FeaturesTest {

    private static final String DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
            + "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n"
            + "    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n"
            + "            - name: http\n              containerPort: 80\n";
    private static final String SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n"
            + "    app: web\n  ports:\n    - port: 80\n";

    @Test
    void symbolsNameEachDocumentWithContainersAndPorts() {
        ManifestLanguageService service = service();
        List<DocumentSymbol> symbols = service.symbols(open(service, DEPLOYMENT + "---\n" + SERVICE));
        assertThat(symbols).extracting(DocumentSymbol::getName).containsExactly("Deployment web", "Service web");
        DocumentSymbol container = symbols.get(0).getChildren().get(0);
        assertThat(container.getName()).isEqualTo("container web");
        assertThat(container.getChildren()).extracting(DocumentSymbol::getName).containsExactly("port 80 http");
        assertThat(symbols.get(1).getRange().getStart().getLine()).isEqualTo(19);
    }

    @Test
    void foldingFollowsIndentation() {
        ManifestLanguageService service = service();
        List<FoldingRange> ranges = service.folding(open(service, SERVICE));
        assertThat(ranges).anySatisfy(r -> {
            assertThat(r.getStartLine()).isEqualTo(4);
            assertThat(r.getEndLine()).isEqualTo(8);
        });
        assertThat(ranges).anySatisfy(r -> {
            assertThat(r.getStartLine()).isEqualTo(2);
            assertThat(r.getEndLine()).isEqualTo(3);
        });
    }

    private static List<CodeAction> fixes(String text) {
        ManifestLanguageService service = service();
        ManifestDocument document = open(service, text);
        List<Diagnostic> diagnostics = service.diagnostics(document);
        return service.codeActions(document, diagnostics);
    }

    private static TextEdit edit(CodeAction action) {
        return action.getEdit().getChanges().values().iterator().next().get(0);
    }

    @Test
    void fixMistypedKey() {
        List<CodeAction> actions = fixes("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n"
                + "    - name: a\n      imgae: busybox\n");
        assertThat(actions).extracting(CodeAction::getTitle).contains("Change to \"image\"");
    }

    @Test
    void setTheApiVersionOfTheKind() {
        List<CodeAction> actions = fixes("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: w\n");
        assertThat(actions).singleElement().satisfies(a -> assertThat(edit(a).getNewText()).isEqualTo("apps/v1"));
    }

    @Test
    void addMissingRequiredField() {
        List<CodeAction> actions = fixes("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n"
                + "    - image: busybox\n");
        CodeAction add = actions.stream().filter(a -> a.getTitle().equals("Add required field \"name\"")).findFirst().orElseThrow();
        assertThat(edit(add).getNewText()).isEqualTo("name: \n      ");
        assertThat(edit(add).getRange().getStart().getLine()).isEqualTo(6);
        assertThat(edit(add).getRange().getStart().getCharacter()).isEqualTo(6);
    }

    @Test
    void quoteAWronglyTypedValue() {
        List<CodeAction> actions = fixes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  enabled: true\n");
        assertThat(actions).extracting(CodeAction::getTitle).contains("Quote as \"true\"");
    }

    @Test
    void unquoteANumberWrittenAsAString() {
        List<CodeAction> actions = fixes("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: \"3\"\n"
                + "  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: a\n"
                + "    spec:\n      containers:\n        - name: a\n          image: busybox\n");
        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(a.getTitle()).isEqualTo("Unquote as 3");
            assertThat(edit(a).getRange().getStart().getLine()).isEqualTo(5);
        });
    }

    @Test
    void selectorGoesToTemplateLabelsAndBack() {
        ManifestLanguageService service = service(DEPLOYMENT);
        Cursor cursor = Cursor.of(SERVICE.replace("    app: web", "    a|pp: web"));
        ManifestDocument document = open(service, cursor.text());
        List<Location> definitions = service.definition(document, cursor.line(), cursor.character());
        assertThat(definitions).singleElement().satisfies(l -> {
            assertThat(l.getUri()).isEqualTo("file:///other0.yaml");
            assertThat(l.getRange().getStart().getLine()).isEqualTo(10);
        });
        ManifestLanguageService back = service(SERVICE);
        Cursor labels = Cursor.of(DEPLOYMENT.replace("        app: web", "        a|pp: web"));
        List<Location> references = back.references(open(back, labels.text()), labels.line(), labels.character());
        assertThat(references).extracting(Location::getUri).contains("file:///other0.yaml", ManifestAssert.URI);
    }

    @Test
    void formattingKeepsCommentsAndFixesWhitespace() {
        ManifestLanguageService service = service();
        List<TextEdit> edits = service.formatting(open(service, "# keep me\nkind: Pod   \nspec:\n\tcontainers: []\n"));
        assertThat(edits).extracting(TextEdit::getNewText).containsExactly("kind: Pod", "  containers: []");
    }

    @Test
    void formattingReindentsToTwoSpacesAndLeavesScalarsAndCommentsAlone() {
        String original = "# keep me\napiVersion: v1\nkind: Pod   \nmetadata:\n    name: web      # the name\n"
                + "    annotations:\n        note: |\n            line one  \n              indented\n"
                + "        flow: {a: '1',\n          b: '2'}\nspec:\n    containers:\n    -   name: web\n"
                + "        image: nginx\n        command:\n        - sh\n        - -c\n        - |\n          echo hi\n"
                + "    # trailing comment\n";
        String expected = "# keep me\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web      # the name\n"
                + "  annotations:\n    note: |\n        line one  \n          indented\n"
                + "    flow: {a: '1',\n      b: '2'}\nspec:\n  containers:\n  -   name: web\n"
                + "      image: nginx\n      command:\n      - sh\n      - -c\n      - |\n        echo hi\n"
                + "  # trailing comment\n";
        ManifestLanguageService service = service();
        String formatted = applyLineEdits(original, service.formatting(open(service, original)));
        assertThat(formatted).isEqualTo(expected);
        assertThat(ManifestDocument.of("file:///f.yaml", 1, formatted).sections().get(0).parse().content())
                .isEqualTo(ManifestDocument.of("file:///o.yaml", 1, original).sections().get(0).parse().content());
        assertThat(service.formatting(open(service, formatted))).as("formatting twice changes nothing").isEmpty();
    }

    /** Formatting replaces whole lines, so its edits apply line by line. */
    static String applyLineEdits(String text, List<TextEdit> edits) {
        String[] lines = text.split("\n", -1);
        for (TextEdit edit : edits) {
            assertThat(edit.getRange().getStart().getLine()).isEqualTo(edit.getRange().getEnd().getLine());
            lines[edit.getRange().getStart().getLine()] = edit.getNewText();
        }
        return String.join("\n", lines);
    }
}
