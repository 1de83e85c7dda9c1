package io.coxswain.ls;

import io.coxswain.ls.cluster.ClusterLink;
import io.coxswain.ls.cluster.CoxswainClient;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.services.DaemonThreads;
import io.coxswain.ls.services.ManifestLanguageService;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FoldingRange;
import org.eclipse.lsp4j.FoldingRangeRequestParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.CompletableFutures;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The LSP adapter for documents: it keeps the snapshots up to date (incremental sync, on the message thread, which
 * costs only the touched sections) and hands every request to the service on an executor, cancellable. It holds no
 * feature logic.
 */
final class CoxswainTextDocumentService implements TextDocumentService {

    private static final Logger LOG = LoggerFactory.getLogger(CoxswainTextDocumentService.class);

    /**
     * Diagnostics wait this long after the last edit, so that a burst of keystrokes is validated once. Validation
     * costs only the touched sections (~10 ms at 1,000 documents), so the wait can be short: the budget from edit
     * to diagnostics is 50 ms (yaml-language-server waits 200 ms).
     */
    private static final long VALIDATION_DELAY_MS = 30;

    private final ManifestLanguageService service;
    private final ClusterLink cluster;
    private final ExecutorService executor = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), DaemonThreads.named("coxswain-ls-feature"));
    private final ScheduledExecutorService validation = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("coxswain-ls-validate"));
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    /** What each file was last told, so that an edit in one file re-sends only the files whose findings changed. */
    private final Map<String, List<Diagnostic>> published = new ConcurrentHashMap<>();
    private volatile LanguageClient client;
    private volatile FeatureSettings features = FeatureSettings.DEFAULT;

    /** The cluster link is made here: its changes come back to {@link #clusterChanged}. */
    CoxswainTextDocumentService(ManifestLanguageService service) {
        this.service = service;
        this.cluster = new ClusterLink(service.workspace(), this::clusterChanged);
    }

    ClusterLink cluster() {
        return cluster;
    }

    /** The cluster link saw a change: statuses go out as diagnostics, refreshed lenses and the status notification. */
    void clusterChanged() {
        scheduleValidation();
        LanguageClient c = client;
        if (c == null) {
            return;
        }
        if (cluster.lensRefreshSupported()) {
            c.refreshCodeLenses();
        }
        if (c instanceof CoxswainClient coxswain) {
            coxswain.status(cluster.statusModel());
        }
    }

    void connect(LanguageClient client) {
        this.client = client;
    }

    /** The switches apply at once: validation turned off or on re-publishes every file's diagnostics. */
    void configure(FeatureSettings next) {
        FeatureSettings previous = features;
        features = next;
        if (!next.equals(previous)) {
            LOG.info("validation {}, completion {}, hover {}", onOff(next.validate()), onOff(next.completion()), onOff(next.hover()));
        }
        if (next.validate() != previous.validate()) {
            scheduleValidation();
        }
    }

    FeatureSettings features() {
        return features;
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    void shutdown() {
        executor.shutdownNow();
        validation.shutdownNow();
    }


    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        var doc = params.getTextDocument();
        service.workspace().put(ManifestDocument.of(doc.getUri(), doc.getVersion(), doc.getText()));
        scheduleValidation();
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        int version = params.getTextDocument().getVersion();
        service.workspace().get(uri).ifPresent(document -> {
            ManifestDocument next = document;
            try {
                for (TextDocumentContentChangeEvent change : params.getContentChanges()) {
                    next = change.getRange() == null
                            ? ManifestDocument.of(uri, version, change.getText())
                            : next.apply(change.getRange().getStart().getLine(), change.getRange().getStart().getCharacter(),
                            change.getRange().getEnd().getLine(), change.getRange().getEnd().getCharacter(), change.getText(), version);
                }
                service.workspace().put(next);
            } catch (RuntimeException e) {
                LOG.warn("cannot apply a change to " + uri, e);
            }
        });
        scheduleValidation();
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        String uri = params.getTextDocument().getUri();
        service.workspace().remove(uri);
        published.remove(uri);
        LanguageClient c = client;
        if (c != null) {
            c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
        }
        scheduleValidation();
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
    }

    /** Validates every open file after a short pause; a newer edit cancels the pending run. Cheap: results are cached per section. */
    private void scheduleValidation() {
        cluster.documentsChanged();
        ScheduledFuture<?> previous = pending.put("*", validation.schedule(this::validateAll, VALIDATION_DELAY_MS, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** With validation off only the cluster's findings (live status, refusals) remain; what was published goes. */
    private void validateAll() {
        LanguageClient c = client;
        boolean validate = features.validate();
        for (ManifestDocument document : service.workspace().documents()) {
            try {
                List<Diagnostic> diagnostics = new java.util.ArrayList<>(validate ? service.diagnostics(document) : List.of());
                diagnostics.addAll(cluster.diagnostics(document));
                if (diagnostics.equals(published.put(document.uri(), diagnostics))) {
                    continue;
                }
                if (c != null) {
                    c.publishDiagnostics(new PublishDiagnosticsParams(document.uri(), diagnostics, document.version()));
                }
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warn("validation failed for " + document.uri(), e);
            }
        }
    }

    private <R> CompletableFuture<R> compute(String uri, R empty, Function<ManifestDocument, R> feature) {
        return CompletableFutures.computeAsync(executor, cancel -> {
            var document = service.workspace().get(uri);
            if (document.isEmpty()) {
                return empty;
            }
            cancel.checkCanceled();
            try {
                R result = feature.apply(document.get());
                return result == null ? empty : result;
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warn("request failed on " + uri, e);
                return empty;
            }
        });
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        if (!features.completion()) {
            return CompletableFuture.completedFuture(Either.forRight(new CompletionList(List.of())));
        }
        var p = params.getPosition();
        return compute(params.getTextDocument().getUri(), Either.forRight(new CompletionList(List.of())),
                d -> Either.forRight(new CompletionList(false, service.completion(d, p.getLine(), p.getCharacter()))));
    }

    @Override
    public CompletableFuture<Hover> hover(HoverParams params) {
        if (!features.hover()) {
            return CompletableFuture.completedFuture(null);
        }
        var p = params.getPosition();
        return compute(params.getTextDocument().getUri(), null, d -> withLiveStatus(d, p.getLine(), service.hover(d, p.getLine(), p.getCharacter())));
    }

    /** On metadata.name, the object's live status comes first, then the field's documentation. */
    private Hover withLiveStatus(ManifestDocument document, int line, Hover schema) {
        String live = cluster.hover(document, line);
        if (live == null) {
            return schema;
        }
        String docs = schema == null ? "" : "\n\n---\n\n" + schema.getContents().getRight().getValue();
        return new Hover(new MarkupContent(MarkupKind.MARKDOWN, live + docs), schema == null ? null : schema.getRange());
    }

    @Override
    public CompletableFuture<List<? extends CodeLens>> codeLens(CodeLensParams params) {
        return compute(params.getTextDocument().getUri(), List.of(), cluster::codeLenses);
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
        return compute(params.getTextDocument().getUri(), List.of(),
                d -> service.symbols(d).stream().map(Either::<SymbolInformation, DocumentSymbol>forRight).toList());
    }

    @Override
    public CompletableFuture<List<FoldingRange>> foldingRange(FoldingRangeRequestParams params) {
        return compute(params.getTextDocument().getUri(), List.of(), service::folding);
    }

    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        return compute(params.getTextDocument().getUri(), List.of(),
                d -> service.codeActions(d, params.getContext().getDiagnostics()).stream()
                        .map(Either::<Command, CodeAction>forRight).toList());
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams params) {
        var p = params.getPosition();
        return compute(params.getTextDocument().getUri(), Either.forLeft(List.of()),
                d -> Either.forLeft(service.definition(d, p.getLine(), p.getCharacter())));
    }

    @Override
    public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
        var p = params.getPosition();
        return compute(params.getTextDocument().getUri(), List.of(), d -> service.references(d, p.getLine(), p.getCharacter()));
    }

    @Override
    public CompletableFuture<List<? extends TextEdit>> formatting(DocumentFormattingParams params) {
        return compute(params.getTextDocument().getUri(), List.of(), service::formatting);
    }
}
