package io.coxswain.ls;

import com.google.gson.JsonObject;
import io.coxswain.ls.cluster.ClusterLink;
import io.coxswain.ls.cluster.ClusterSettings;
import io.coxswain.ls.cluster.CoxswainClient;
import io.coxswain.ls.log.ClientLog;
import io.coxswain.ls.services.ManifestLanguageService;
import io.coxswain.ls.services.Schemas;
import io.coxswain.ls.services.Workspace;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CodeLensOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.ConfigurationItem;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.SetTraceParams;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** The server: capabilities, lifecycle, and the two thin services. */
public final class CoxswainLanguageServer implements LanguageServer, LanguageClientAware {

    private static final Logger LOG = LoggerFactory.getLogger(CoxswainLanguageServer.class);
    private static final String VERSION = "0.1.0";

    private final ManifestLanguageService service = new ManifestLanguageService(new Workspace(), Schemas.STANDARD);
    private final CoxswainTextDocumentService documents;
    private final ClusterLink cluster;
    private final CoxswainWorkspaceService workspace;
    private volatile CoxswainClient client;
    private volatile boolean configurationPull;
    private volatile boolean shutdown;
    /** From initialize's options; the link starts with them once the client has its answer (initialized). */
    private volatile ClusterSettings initialClusterSettings;

    public CoxswainLanguageServer() {
        documents = new CoxswainTextDocumentService(service);
        cluster = documents.cluster();
        workspace = new CoxswainWorkspaceService(cluster, documents, this::pullSettings);
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ServerCapabilities capabilities = new ServerCapabilities();
        capabilities.setTextDocumentSync(TextDocumentSyncKind.Incremental);
        capabilities.setCompletionProvider(new CompletionOptions(false, List.of(":", " ", "-")));
        capabilities.setHoverProvider(true);
        capabilities.setDocumentSymbolProvider(true);
        capabilities.setFoldingRangeProvider(true);
        capabilities.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.QuickFix)));
        capabilities.setDefinitionProvider(true);
        capabilities.setReferencesProvider(true);
        capabilities.setDocumentFormattingProvider(true);
        capabilities.setCodeLensProvider(new CodeLensOptions(false));
        capabilities.setExecuteCommandProvider(new ExecuteCommandOptions(ClusterLink.COMMANDS));
        var caps = params.getCapabilities();
        boolean lensRefresh = caps != null && caps.getWorkspace() != null && caps.getWorkspace().getCodeLens() != null
                && Boolean.TRUE.equals(caps.getWorkspace().getCodeLens().getRefreshSupport());
        boolean progress = caps != null && caps.getWindow() != null && Boolean.TRUE.equals(caps.getWindow().getWorkDoneProgress());
        configurationPull = caps != null && caps.getWorkspace() != null && Boolean.TRUE.equals(caps.getWorkspace().getConfiguration());
        cluster.connect(client, lensRefresh, progress);
        initialClusterSettings = ClusterSettings.from(params.getInitializationOptions());
        documents.configure(documents.features().with(params.getInitializationOptions()));
        return CompletableFuture.completedFuture(new InitializeResult(capabilities, new ServerInfo("coxswain-language-server", VERSION)));
    }

    /**
     * The client has its answer: now the first log line, the cluster link (reading a kubeconfig and making a
     * Kubernetes client take a core for a while) and the schemas loaded ahead of the first keystroke. None runs
     * earlier, where it would compete with the answer for the CPU (the schema load takes a core for a while too).
     */
    @Override
    public void initialized(InitializedParams params) {
        ClusterSettings initial = initialClusterSettings;
        if (initial != null) {
            cluster.configure(initial);
        }
        LOG.info("coxswain-language-server {} on Java {} ({}), pid {}", VERSION, Runtime.version(),
                System.getProperty("java.vm.name"), ProcessHandle.current().pid());
        CompletableFuture.runAsync(() -> Schemas.STANDARD.catalog().kinds());
        pullSettings();
    }

    /**
     * Asks the client for {@code coxswain.cluster} and the feature switches; a client without workspace/configuration
     * keeps the init options and what didChangeConfiguration pushes.
     */
    private void pullSettings() {
        CoxswainClient c = client;
        if (c == null || !configurationPull) {
            return;
        }
        List<ConfigurationItem> items = new ArrayList<>();
        for (String section : Stream.concat(Stream.of("coxswain.cluster"), FeatureSettings.SECTIONS.stream()).toList()) {
            ConfigurationItem item = new ConfigurationItem();
            item.setSection(section);
            items.add(item);
        }
        c.configuration(new ConfigurationParams(items)).thenAccept(values -> {
            if (values == null || values.isEmpty()) {
                return;
            }
            if (values.get(0) instanceof JsonObject o && !o.isEmpty()) {
                cluster.configure(ClusterSettings.from(o));
            }
            documents.configure(documents.features().withValues(values.subList(1, values.size())));
        }).exceptionally(e -> {
            LOG.warn("workspace/configuration failed", e);
            return null;
        });
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        cluster.shutdown();
        documents.shutdown();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        System.exit(shutdown ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return documents;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspace;
    }

    /** The client's editor tells the protocol trace itself ({@code coxswain.trace.server}); the server sends none. */
    @Override
    public void setTrace(SetTraceParams params) {
        LOG.debug("trace: {}", params.getValue());
    }

    @Override
    public void connect(LanguageClient client) {
        ClientLog.connect(client);
        this.client = client instanceof CoxswainClient c ? c : null;
        documents.connect(this.client != null ? this.client : client);
    }
}
