package io.coxswain.tests.lsp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionCapabilities;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverCapabilities;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsCapabilities;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * A small LSP client over stdio for any server started by a command line: initialize, open, incremental changes,
 * completion, hover, the diagnostics the server publishes, and the server's memory from /proc.
 */
public final class LspClient implements AutoCloseable {

    /** One publishDiagnostics notification, with when it arrived and its place in the order of arrival. */
    public record Published(long nanos, int sequence, Integer version, List<Diagnostic> diagnostics) {
    }

    private final String name;
    private final Process process;
    private final LanguageServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lsp-client");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<Published>> published = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();
    private final Object arrivals = new Object();
    private volatile Object settings = Map.of();
    private long initializeNanos;

    private LspClient(String name, Process process) {
        this.name = name;
        this.process = process;
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(new Receiver(),
                process.getInputStream(), process.getOutputStream(), executor, null);
        this.server = launcher.getRemoteProxy();
        launcher.startListening();
    }

    /** Starts the server; its stderr goes to {@code stderrLog}. */
    public static LspClient start(String name, List<String> command, Path stderrLog) throws IOException {
        Files.createDirectories(stderrLog.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderrLog.toFile());
        return new LspClient(name, pb.start());
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public LanguageServer server() {
        return server;
    }

    /**
     * Initializes with {@code settings} (a JSON-like map such as {@code {"yaml": {...}}}) given both as
     * initializationOptions and in answer to workspace/configuration, then sends initialized and
     * didChangeConfiguration. Returns the time to the initialize response.
     */
    public InitializeResult initialize(Path workspace, Object settings, Duration timeout) throws Exception {
        this.settings = settings;
        InitializeParams params = new InitializeParams();
        params.setProcessId((int) ProcessHandle.current().pid());
        params.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "workspace")));
        params.setInitializationOptions(settings);
        TextDocumentClientCapabilities text = new TextDocumentClientCapabilities();
        text.setCompletion(new CompletionCapabilities());
        text.setHover(new HoverCapabilities());
        text.setPublishDiagnostics(new PublishDiagnosticsCapabilities(true));
        WorkspaceClientCapabilities ws = new WorkspaceClientCapabilities();
        ws.setConfiguration(true);
        ws.setWorkspaceFolders(true);
        params.setCapabilities(new ClientCapabilities(ws, text, null));
        long start = System.nanoTime();
        InitializeResult result = server.initialize(params).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        initializeNanos = System.nanoTime() - start;
        server.initialized(new InitializedParams());
        server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(settings));
        return result;
    }

    public long initializeNanos() {
        return initializeNanos;
    }

    public void open(String uri, String text) {
        versions.put(uri, 1);
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "yaml", 1, text)));
    }

    /** An incremental change: {@code text} replaces the range. Returns the new version. */
    public int change(String uri, Range range, String text) {
        int version = versions.merge(uri, 1, Integer::sum);
        TextDocumentContentChangeEvent event = new TextDocumentContentChangeEvent(range, text);
        server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(uri, version), List.of(event)));
        return version;
    }

    public CompletableFuture<List<CompletionItem>> completion(String uri, Position at) {
        return server.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri), at))
                .thenApply(r -> r == null ? List.<CompletionItem>of()
                        : r.isLeft() ? r.getLeft() : ((CompletionList) r.getRight()).getItems());
    }

    public CompletableFuture<Hover> hover(String uri, Position at) {
        return server.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), at));
    }

    /** A request's answer within the timeout, or null on timeout. */
    public static <T> T await(CompletableFuture<T> request, Duration timeout) throws Exception {
        try {
            return request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.cancel(true);
            return null;
        }
    }

    public int publishedCount(String uri) {
        return published.getOrDefault(uri, List.of()).size();
    }

    public List<Published> published(String uri) {
        synchronized (arrivals) {
            return List.copyOf(published.getOrDefault(uri, List.of()));
        }
    }

    /** The first publishDiagnostics for uri after the first {@code seen} ones that matches, or null on timeout. */
    public Published awaitDiagnostics(String uri, int seen, java.util.function.Predicate<Published> matches,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            int next = seen;
            while (true) {
                List<Published> list = published.getOrDefault(uri, List.of());
                for (; next < list.size(); next++) {
                    if (matches.test(list.get(next))) {
                        return list.get(next);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    return null;
                }
                arrivals.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Peak resident set size of the server process in KiB (VmHWM), or -1 where /proc has no answer. */
    public long peakRssKb() {
        return procStatus("VmHWM:");
    }

    /** Current resident set size in KiB (VmRSS). */
    public long rssKb() {
        return procStatus("VmRSS:");
    }

    private long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                server.shutdown().get(5, TimeUnit.SECONDS);
                server.exit();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // fall through to destroy
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            executor.shutdownNow();
        }
    }

    /** What the server may send or ask: diagnostics are kept, configuration is answered from the settings. */
    private final class Receiver implements LanguageClient {
        private final Gson gson = new Gson();

        @Override
        public void publishDiagnostics(PublishDiagnosticsParams params) {
            synchronized (arrivals) {
                published.computeIfAbsent(params.getUri(), u -> new ArrayList<>()).add(new Published(System.nanoTime(),
                        sequence.incrementAndGet(), params.getVersion(), params.getDiagnostics()));
                arrivals.notifyAll();
            }
        }

        @Override
        public CompletableFuture<List<Object>> configuration(ConfigurationParams params) {
            JsonElement all = gson.toJsonTree(settings);
            List<Object> answers = new ArrayList<>();
            params.getItems().forEach(item -> {
                JsonElement value = all;
                if (item.getSection() != null) {
                    for (String part : item.getSection().split("\\.")) {
                        value = value != null && value.isJsonObject() ? value.getAsJsonObject().get(part) : null;
                    }
                }
                answers.add(value);
            });
            return CompletableFuture.completedFuture(answers);
        }

        @Override
        public CompletableFuture<Void> registerCapability(org.eclipse.lsp4j.RegistrationParams params) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> createProgress(org.eclipse.lsp4j.WorkDoneProgressCreateParams params) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void telemetryEvent(Object object) {
        }

        @Override
        public void showMessage(MessageParams messageParams) {
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void logMessage(MessageParams message) {
        }
    }

    public static Range range(int line, int character, int endLine, int endCharacter) {
        return new Range(new Position(line, character), new Position(endLine, endCharacter));
    }
}
