package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.FoldingRange;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.TextEdit;

import java.util.List;

/**
 * The façade, like LemMinX's XMLLanguageService: one object per feature, each taking a request object. The LSP
 * adapters only call this; tests call it directly.
 */
public final class ManifestLanguageService {

    private final Workspace workspace;
    private final Schemas schemas;
    private final Completion completion = new Completion(List.of(new KindCompletionParticipant(),
            new SchemaCompletionParticipant(), new LabelCompletionParticipant()));
    private final Diagnostics diagnostics = new Diagnostics(List.of(new SchemaDiagnosticsParticipant(),
            new SelectorDiagnosticsParticipant()));
    private final Hover hover = new Hover();
    private final DocumentSymbols symbols = new DocumentSymbols();
    private final Folding folding = new Folding();
    private final CodeActions codeActions = new CodeActions();
    private final LabelReferences references = new LabelReferences();
    private final Formatting formatting = new Formatting();

    public ManifestLanguageService(Workspace workspace, Schemas schemas) {
        this.workspace = workspace;
        this.schemas = schemas;
    }

    public Workspace workspace() {
        return workspace;
    }

    public List<CompletionItem> completion(ManifestDocument document, int line, int character) {
        return completion.doComplete(new CompletionRequest(document, workspace, schemas, line, character));
    }

    public org.eclipse.lsp4j.Hover hover(ManifestDocument document, int line, int character) {
        return hover.doHover(new PositionRequest(document, workspace, schemas, line, character));
    }

    public List<Diagnostic> diagnostics(ManifestDocument document) {
        return diagnostics.doDiagnostics(new DiagnosticsRequest(document, workspace, schemas));
    }

    public List<DocumentSymbol> symbols(ManifestDocument document) {
        return symbols.doSymbols(document);
    }

    public List<FoldingRange> folding(ManifestDocument document) {
        return folding.doFolding(document);
    }

    public List<CodeAction> codeActions(ManifestDocument document, List<Diagnostic> context) {
        return codeActions.doCodeActions(document, context);
    }

    public List<Location> definition(ManifestDocument document, int line, int character) {
        return references.doDefinition(new PositionRequest(document, workspace, schemas, line, character));
    }

    public List<Location> references(ManifestDocument document, int line, int character) {
        return references.doReferences(new PositionRequest(document, workspace, schemas, line, character));
    }

    public List<TextEdit> formatting(ManifestDocument document) {
        return formatting.doFormat(document);
    }
}
