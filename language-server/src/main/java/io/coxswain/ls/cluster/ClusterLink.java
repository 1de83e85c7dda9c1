package io.coxswain.ls.cluster;

import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.SectionParse;
import io.coxswain.ls.model.Span;
import io.coxswain.ls.services.DaemonThreads;
import io.coxswain.ls.services.Workspace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The language server's link to a cluster: it connects through a kubeconfig, keeps the live status of every open
 * document's object from shared informers, and runs the editor's commands. Nothing here runs on the message thread
 * or in completion, validation or hover: those read the last computed state. An unreachable cluster is one status,
 * and the link retries on its own.
 */
public final class ClusterLink {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLink.class);

    public static final String SOURCE = "coxswain-cluster";
    public static final List<String> COMMANDS = List.of("coxswain.apply", "coxswain.dryRun", "coxswain.delete",
            "coxswain.diff", "coxswain.logs");
    private static final long PROBE_CONNECTED_MS = 5_000;
    private static final long PROBE_TIMEOUT_MS = 3_000;
    private static final long RETRY_MAX_MS = 10_000;
    private static final long DEPLOY_TIMEOUT_MS = 120_000;

    /** What the adapters do when the link's state changes: publish diagnostics, refresh lenses, send the status. */
    public interface Listener {
        void changed();
    }

    private final Workspace workspace;
    private final Listener listener;
    private final ScheduledExecutorService cluster = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("coxswain-ls-cluster"));
    private final ExecutorService commands = Executors.newCachedThreadPool(DaemonThreads.named("coxswain-ls-command"));
    private final EditorCommands editorCommands = new EditorCommands(this, commands);
    private final AtomicBoolean recomputeQueued = new AtomicBoolean();
    private final Map<String, DeployProgress> deploys = new ConcurrentHashMap<>();
    private final DeployProgress.Reporter progress = new DeployProgress.Reporter();

    private volatile CoxswainClient client;
    private volatile boolean lensRefresh;
    private volatile ClusterSettings settings = ClusterSettings.DEFAULT;
    private volatile ConnectionState connection = new ConnectionState(ConnectionState.DISCONNECTED, null, null, "not connected yet");
    private volatile Map<String, Map<Integer, ObjectStatus>> statuses = Map.of();
    private volatile Map<String, List<ManifestObject>> objects = Map.of();
    private volatile String defaultNamespace = "default";
    private volatile KubernetesClient kubernetes;
    private StatusTracker tracker;
    private ScheduledFuture<?> probe;
    private long retryMs = 1_000;
    private int generation;

    public ClusterLink(Workspace workspace, Listener listener) {
        this.workspace = workspace;
        this.listener = listener;
    }

    public void connect(CoxswainClient client, boolean lensRefresh, boolean workDoneProgress) {
        this.client = client;
        this.lensRefresh = lensRefresh;
        progress.connect(client, workDoneProgress);
    }

    public boolean lensRefreshSupported() {
        return lensRefresh;
    }

    public ConnectionState connection() {
        return connection;
    }

    /** Applies settings live: the old connection closes and a new one starts, off the caller's thread. */
    public void configure(ClusterSettings next) {
        cluster.execute(guarded(() -> {
            if (next.equals(settings) && kubernetes != null) {
                return;
            }
            settings = next;
            reconnect();
        }));
    }

    public void start() {
        cluster.execute(guarded(this::reconnect));
    }

    public void shutdown() {
        editorCommands.shutdown();
        cluster.execute(this::closeClient);
        cluster.shutdown();
        commands.shutdownNow();
    }

    // --- connection (cluster thread) ---

    private void reconnect() {
        closeClient();
        generation++;
        retryMs = 1_000;
        Path file = settings.kubeconfigFile();
        if (!Files.isRegularFile(file)) {
            setConnection(new ConnectionState(ConnectionState.DISCONNECTED, null, settings.context(),
                    "no kubeconfig at " + file + ": start a cluster with ./coxswain up or set coxswain.cluster.kubeconfig; retrying"));
            scheduleProbe(PROBE_CONNECTED_MS);
            return;
        }
        try {
            Config config = Config.fromKubeconfig(settings.context(), file.toFile());
            if (settings.namespace() != null) {
                config.setNamespace(settings.namespace());
            }
            config.setConnectionTimeout(2_000);
            config.setRequestTimeout(5_000);
            config.setWatchReconnectInterval(1_000);
            // HTTP/1.1 as kubectl speaks it: Java's client may wait forever on a plain-HTTP h2c upgrade.
            config.setHttp2Disable(true);
            // The editor wants a fast answer, not a client retrying behind a spinner; the link retries on its own.
            config.setRequestRetryBackoffLimit(0);
            defaultNamespace = config.getNamespace() == null ? "default" : config.getNamespace();
            kubernetes = new KubernetesClientBuilder().withConfig(config).build();

        } catch (RuntimeException e) {
            setConnection(new ConnectionState(ConnectionState.DISCONNECTED, null, settings.context(),
                    "cannot use the kubeconfig " + file + ": " + e.getMessage()));
            return;
        }
        probe();
    }

    private void probe() {
        if (kubernetes == null) {
            reconnect();
            return;
        }
        String server = kubernetes.getMasterUrl().toString().replaceFirst("/$", "");
        String context = kubernetes.getConfiguration().getCurrentContext() == null ? settings.context()
                : kubernetes.getConfiguration().getCurrentContext().getName();
        try {
            // A server that accepts connections but never answers (a stopped process) must not hold this thread.
            KubernetesClient k = kubernetes;
            CompletableFuture.supplyAsync(k::getKubernetesVersion, commands).get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            retryMs = 1_000;
            if (!connection.connected()) {
                tracker = new StatusTracker(kubernetes, this::scheduleRecompute);
                setConnection(new ConnectionState(ConnectionState.CONNECTED, server, context, "connected to " + server));
            }
            scheduleProbe(PROBE_CONNECTED_MS);
            progress.update(deploys, this::statusOf);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            stopTracker();
            setConnection(new ConnectionState(ConnectionState.UNREACHABLE, server, context,
                    "cluster unreachable at " + server + ", retrying"));
            scheduleProbe(retryMs);
            retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
        }
    }

    private void scheduleProbe(long delayMs) {
        if (probe != null) {
            probe.cancel(false);
        }
        int current = generation;
        probe = cluster.schedule(guarded(() -> {
            if (current == generation) {
                probe();
            }
        }), delayMs, TimeUnit.MILLISECONDS);
    }

    private void setConnection(ConnectionState next) {
        if (!next.equals(connection)) {
            connection = next;
            recompute();
            listener.changed();
        }
    }

    private void stopTracker() {
        if (tracker != null) {
            tracker.stop();
            tracker = null;
        }
    }

    private void closeClient() {
        stopTracker();
        if (probe != null) {
            probe.cancel(false);
        }
        if (kubernetes != null) {
            kubernetes.close();
            kubernetes = null;
        }
        connection = new ConnectionState(ConnectionState.DISCONNECTED, null, settings.context(), "not connected");
    }

    // --- status (cluster thread) ---

    /** Called when documents change: new names or namespaces are picked up. Cheap, and debounced with events. */
    public void documentsChanged() {
        scheduleRecompute();
    }

    private void scheduleRecompute() {
        if (recomputeQueued.compareAndSet(false, true)) {
            cluster.schedule(guarded(() -> {
                recomputeQueued.set(false);
                if (recompute()) {
                    listener.changed();
                }
            }), 100, TimeUnit.MILLISECONDS);
        }
    }

    /** Recomputes every open document's status from the informers; true when anything changed. */
    private boolean recompute() {
        if (tracker == null) {
            // Not connected: no status to compute, and the typing path's CPU is left alone.
            boolean changed = !statuses.isEmpty();
            statuses = Map.of();
            objects = Map.of();
            return changed;
        }
        Map<String, List<ManifestObject>> nextObjects = new HashMap<>();
        Map<String, Map<Integer, ObjectStatus>> next = new HashMap<>();
        for (ManifestDocument document : workspace.documents()) {
            List<ManifestObject> found = ManifestObject.of(document, defaultNamespace);
            nextObjects.put(document.uri(), found);
            for (ManifestObject object : found) {
                tracker.watch(object.namespace());
                ObjectStatus status = StatusSummaries.of(object, tracker);
                if (status != null) {
                    next.computeIfAbsent(document.uri(), u -> new HashMap<>()).put(object.document(), status);
                }
            }
        }
        objects = nextObjects;
        boolean changed = !next.equals(statuses);
        statuses = next;
        progress.update(deploys, this::statusOf);
        return changed;
    }

    private ObjectStatus statusOf(String uri, int document) {
        return statuses.getOrDefault(uri, Map.of()).get(document);
    }

    // --- what the editor shows (any thread; reads the last computed state) ---

    public List<Diagnostic> diagnostics(ManifestDocument document) {
        List<Diagnostic> out = new ArrayList<>();
        out.addAll(editorCommands.refusals(document.uri()));
        Map<Integer, ObjectStatus> byDocument = statuses.getOrDefault(document.uri(), Map.of());
        if (byDocument.isEmpty()) {
            return out;
        }
        for (ManifestObject object : ManifestObject.of(document, defaultNamespace)) {
            ObjectStatus status = byDocument.get(object.document());
            if (status == null) {
                continue;
            }
            String line = document.line(object.line());
            Diagnostic d = new Diagnostic(new Range(new Position(object.line(), 0), new Position(object.line(), line.length())),
                    status.text() + (status.latestWarning() == null || ObjectStatus.INFO.equals(status.severity())
                            ? "" : " (latest warning: " + status.latestWarning() + ")"),
                    switch (status.severity()) {
                        case ObjectStatus.ERROR -> DiagnosticSeverity.Error;
                        case ObjectStatus.WARNING -> DiagnosticSeverity.Warning;
                        default -> DiagnosticSeverity.Information;
                    }, SOURCE, "status");
            out.add(d);
        }
        return out;
    }

    public List<CodeLens> codeLenses(ManifestDocument document) {
        List<CodeLens> out = new ArrayList<>();
        Map<Integer, ObjectStatus> byDocument = statuses.getOrDefault(document.uri(), Map.of());
        for (ManifestObject object : ManifestObject.of(document, defaultNamespace)) {
            Range range = new Range(new Position(object.line(), 0), new Position(object.line(), 0));
            List<Object> args = List.of(Map.of("uri", document.uri(), "document", object.document()));
            ObjectStatus status = byDocument.get(object.document());
            out.add(new CodeLens(range, new Command("Deploy", "coxswain.apply", args), null));
            out.add(new CodeLens(range, new Command("Diff", "coxswain.diff", args), null));
            if (status != null || !StatusSummaries.TRACKED.contains(object.kind())) {
                out.add(new CodeLens(range, new Command("Delete", "coxswain.delete", args), null));
            }
            if (status != null) {
                out.add(new CodeLens(range, new Command(status.text(), "coxswain.logs", args), null));
            }
        }
        return out;
    }

    /** The live details for a hover on metadata.name, or null. */
    public String hover(ManifestDocument document, int line) {
        int index = document.sectionIndex(line);
        SectionParse parse = document.sections().get(index).parse();
        Span name = parse.keys().get("/metadata/name");
        if (name == null || document.startLine(index) + name.startLine() != line) {
            return null;
        }
        ObjectStatus status = statuses.getOrDefault(document.uri(), Map.of()).get(index);
        if (status == null) {
            return connection.connected() ? null : "_" + connection.message() + "_";
        }
        return status.text() + "\n\n" + status.details();
    }

    /** The model of the {@code coxswain/status} notification. */
    public Map<String, Object> statusModel() {
        ConnectionState c = connection;
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("state", c.state());
        conn.put("server", c.server());
        conn.put("context", c.context());
        conn.put("message", c.message());
        List<Object> list = new ArrayList<>();
        objects.forEach((uri, found) -> {
            Map<Integer, ObjectStatus> byDocument = statuses.getOrDefault(uri, Map.of());
            for (ManifestObject object : found) {
                ObjectStatus status = byDocument.get(object.document());
                if (status == null) {
                    continue;
                }
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("uri", uri);
                o.put("document", object.document());
                o.put("kind", object.kind());
                o.put("namespace", object.namespace());
                o.put("name", object.name());
                o.put("text", status.text());
                o.put("severity", status.severity());
                o.put("pods", status.pods());
                list.add(o);
            }
        });
        return Map.of("connection", conn, "objects", list);
    }

    // --- what the commands need (any thread) ---

    public CompletableFuture<Object> execute(String command, List<Object> arguments) {
        return editorCommands.execute(command, arguments);
    }

    /** The client of a connected cluster, else null. */
    KubernetesClient connectedClient() {
        KubernetesClient k = kubernetes;
        return k != null && connection.connected() ? k : null;
    }

    String defaultNamespace() {
        return defaultNamespace;
    }

    CoxswainClient client() {
        return client;
    }

    Workspace workspace() {
        return workspace;
    }

    /** A deploy was applied: its progress runs until the object is ready. */
    void deployed(ManifestObject target) {
        deploys.put(target.uri() + "#" + target.document(), progress.begin(target, DEPLOY_TIMEOUT_MS));
    }

    /** A command changed the cluster or the refusals: recompute soon, and publish now. */
    void commandDone() {
        scheduleRecompute();
        listener.changed();
    }

    /** The cluster thread's tasks: a failure is logged, never lost inside a future nobody reads. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.warn("cluster link task failed", e);
            }
        };
    }

}
