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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensCapabilities;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.CodeLensWorkspaceCapabilities;
import org.eclipse.lsp4j.ExecuteCommandCapabilities;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WindowShowMessageRequestActionItemCapabilities;
import org.eclipse.lsp4j.WindowShowMessageRequestCapabilities;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
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
 * completion, hover, the diagnostics the server publishes, and the server's memory from /proc. For the cluster link
 * (language-server/CLUSTER-LINK.md) it also runs commands, asks for code lenses, answers showMessageRequest, and
 * keeps what the server sends on its own: {@code coxswain/status}, {@code coxswain/logs}, {@code $/progress} with
 * the tokens it created, {@code workspace/codeLens/refresh} and showMessage.
 */
public final class LspClient implements AutoCloseable {

    /** One publishDiagnostics notification, with when it arrived and its place in the order of arrival. */
    public record Published(long nanos, int sequence, Integer version, List<Diagnostic> diagnostics) {
    }

    /** A notification the server sent on its own, with when it arrived; {@code params} as JSON. */
    public record Notice(long nanos, String method, JsonObject params) {
    }

    /** The custom notifications of Coxswain's cluster link; LSP4J routes them to the client object by these names. */
    public interface CoxswainLanguageClient extends LanguageClient {
        @JsonNotification("coxswain/status")
        void coxswainStatus(JsonObject status);

        @JsonNotification("coxswain/logs")
        void coxswainLogs(JsonObject logs);
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
    private long startToInitializeNanos;
    /** When the process was started, for the time from process start to the initialize response. */
    private final long startedNanos;
    private final Gson gson = new Gson();
    /** Everything below is guarded by {@code arrivals}, which is notified on each arrival. */
    private final List<Notice> statuses = new ArrayList<>();
    private final List<Notice> logs = new ArrayList<>();
    private final List<Notice> progress = new ArrayList<>();
    private final List<String> createdProgressTokens = new ArrayList<>();
    private final List<Notice> messages = new ArrayList<>();
    private final List<ShowMessageRequestParams> messageRequests = new ArrayList<>();
    private int codeLensRefreshes;
    private volatile Function<ShowMessageRequestParams, MessageActionItem> messageRequestAnswer = r -> null;

    private LspClient(String name, Process process, long startedNanos) {
        this.name = name;
        this.startedNanos = startedNanos;
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
        long started = System.nanoTime();
        return new LspClient(name, pb.start(), started);
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
        return initialize(workspace, settings, timeout, capabilities -> { });
    }

    /** As {@link #initialize(Path, Object, Duration)}, with the capabilities changed by {@code more} before sending. */
    public InitializeResult initialize(Path workspace, Object settings, Duration timeout, Consumer<ClientCapabilities> more)
            throws Exception {
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
        ClientCapabilities capabilities = new ClientCapabilities(ws, text, null);
        more.accept(capabilities);
        params.setCapabilities(capabilities);
        long start = System.nanoTime();
        InitializeResult result = server.initialize(params).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long answered = System.nanoTime();
        initializeNanos = answered - start;
        startToInitializeNanos = answered - startedNanos;
        server.initialized(new InitializedParams());
        server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(settings));
        return result;
    }

    public long initializeNanos() {
        return initializeNanos;
    }

    /** From just before the process was started to the initialize response: what a user waits for. */
    public long startToInitializeNanos() {
        return startToInitializeNanos;
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

    /**
     * What an editor that shows the cluster link declares: code lenses with refresh, commands, work-done progress
     * and showMessageRequest with actions. For {@link #initialize(Path, Object, Duration, Consumer)}.
     */
    public static void clusterLinkCapabilities(ClientCapabilities capabilities) {
        capabilities.getTextDocument().setCodeLens(new CodeLensCapabilities(false));
        capabilities.getWorkspace().setCodeLens(new CodeLensWorkspaceCapabilities(true));
        capabilities.getWorkspace().setExecuteCommand(new ExecuteCommandCapabilities(false));
        WindowClientCapabilities window = new WindowClientCapabilities();
        window.setWorkDoneProgress(true);
        WindowShowMessageRequestCapabilities showMessage = new WindowShowMessageRequestCapabilities();
        showMessage.setMessageActionItem(new WindowShowMessageRequestActionItemCapabilities(true));
        window.setShowMessage(showMessage);
        capabilities.setWindow(window);
    }

    /** workspace/executeCommand with the arguments as given (maps and lists become JSON); the result as JSON. */
    public CompletableFuture<JsonElement> executeCommand(String command, Object... arguments) {
        return server.getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of(arguments)))
                .thenApply(r -> r == null ? null : r instanceof JsonElement json ? json : gson.toJsonTree(r));
    }

    /** textDocument/codeLens; a lens the server left without a command is resolved with codeLens/resolve. */
    public CompletableFuture<List<CodeLens>> codeLenses(String uri) {
        return server.getTextDocumentService().codeLens(new CodeLensParams(new TextDocumentIdentifier(uri)))
                .thenCompose(lenses -> {
                    List<CompletableFuture<CodeLens>> resolved = new ArrayList<>();
                    for (CodeLens lens : lenses == null ? List.<CodeLens>of() : lenses) {
                        resolved.add(lens.getCommand() != null ? CompletableFuture.completedFuture(lens)
                                : server.getTextDocumentService().resolveCodeLens(lens));
                    }
                    return CompletableFuture.allOf(resolved.toArray(CompletableFuture[]::new))
                            .thenApply(v -> resolved.stream().map(CompletableFuture::join).toList());
                });
    }

    /** How the client answers window/showMessageRequest; by default it dismisses (null), as a closed pop-up does. */
    public void answerMessageRequests(Function<ShowMessageRequestParams, MessageActionItem> answer) {
        this.messageRequestAnswer = answer;
    }

    /** The {@code coxswain/status} notifications so far, oldest first. */
    public List<Notice> statuses() {
        return copy(statuses);
    }

    /** The {@code coxswain/logs} notifications so far. */
    public List<Notice> logNotices() {
        return copy(logs);
    }

    /** The {@code $/progress} notifications so far; {@code params} has {@code token} and {@code value}. */
    public List<Notice> progress() {
        return copy(progress);
    }

    /** The tokens the server created with window/workDoneProgress/create. */
    public List<String> createdProgressTokens() {
        synchronized (arrivals) {
            return List.copyOf(createdProgressTokens);
        }
    }

    /** window/showMessage notifications (params: type, message). */
    public List<Notice> messages() {
        return copy(messages);
    }

    public List<ShowMessageRequestParams> messageRequests() {
        synchronized (arrivals) {
            return List.copyOf(messageRequests);
        }
    }

    public int codeLensRefreshes() {
        synchronized (arrivals) {
            return codeLensRefreshes;
        }
    }

    /** The first status notification after the first {@code seen} ones that matches, or null on timeout. */
    public Notice awaitStatus(int seen, Predicate<JsonObject> matches, Duration timeout) throws InterruptedException {
        return awaitIn(() -> statuses, seen, n -> matches.test(n.params()), timeout);
    }

    private List<Notice> copy(List<Notice> list) {
        synchronized (arrivals) {
            return List.copyOf(list);
        }
    }

    /** Waits on {@code arrivals} for the first element after the first {@code seen} of the list that matches. */
    private <T> T awaitIn(java.util.function.Supplier<List<T>> arrived, int seen, Predicate<T> matches, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            int next = seen;
            while (true) {
                List<T> list = arrived.get();
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

    private void arrived(List<Notice> list, String method, Object params) {
        JsonElement json = params instanceof JsonElement e ? e : gson.toJsonTree(params);
        synchronized (arrivals) {
            list.add(new Notice(System.nanoTime(), method, json != null && json.isJsonObject() ? json.getAsJsonObject() : new JsonObject()));
            arrivals.notifyAll();
        }
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
    public Published awaitDiagnostics(String uri, int seen, Predicate<Published> matches, Duration timeout)
            throws InterruptedException {
        return awaitIn(() -> published.getOrDefault(uri, List.of()), seen, matches, timeout);
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
    private final class Receiver implements CoxswainLanguageClient {

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
        public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams params) {
            synchronized (arrivals) {
                createdProgressTokens.add(token(params.getToken()));
                arrivals.notifyAll();
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void notifyProgress(ProgressParams params) {
            JsonObject json = new JsonObject();
            json.addProperty("token", token(params.getToken()));
            Object value = params.getValue() == null ? null : params.getValue().get();
            JsonElement tree = value instanceof JsonElement e ? e : gson.toJsonTree(value);
            if (value instanceof org.eclipse.lsp4j.WorkDoneProgressNotification n && tree.isJsonObject()) {
                // LSP4J's notifications answer getKind() without a field, so Gson leaves the kind out
                tree.getAsJsonObject().addProperty("kind", n.getKind().name());
            }
            json.add("value", tree);
            arrived(progress, "$/progress", json);
        }

        private static String token(org.eclipse.lsp4j.jsonrpc.messages.Either<String, Integer> token) {
            return token == null ? null : token.isLeft() ? token.getLeft() : String.valueOf(token.getRight());
        }

        @Override
        public CompletableFuture<Void> refreshCodeLenses() {
            synchronized (arrivals) {
                codeLensRefreshes++;
                arrivals.notifyAll();
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void coxswainStatus(JsonObject status) {
            arrived(statuses, "coxswain/status", status);
        }

        @Override
        public void coxswainLogs(JsonObject text) {
            arrived(logs, "coxswain/logs", text);
        }

        @Override
        public void telemetryEvent(Object object) {
        }

        @Override
        public void showMessage(MessageParams messageParams) {
            arrived(messages, "window/showMessage", messageParams);
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
            synchronized (arrivals) {
                messageRequests.add(requestParams);
                arrivals.notifyAll();
            }
            return CompletableFuture.completedFuture(messageRequestAnswer.apply(requestParams));
        }

        @Override
        public void logMessage(MessageParams message) {
        }
    }

    public static Range range(int line, int character, int endLine, int endCharacter) {
        return new Range(new Position(line, character), new Position(endLine, endCharacter));
    }
}
