package io.coxswain.ls.cluster;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.SectionParse;
import io.coxswain.ls.model.Span;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The editor's commands ({@code workspace/executeCommand}): which documents they cover, what a refusal or a conflict
 * becomes in the editor, and followed logs. The cluster calls themselves are {@link ClusterCommands}'; they run on
 * their own threads, never on the message thread or the link's.
 */
final class EditorCommands {

    private static final Logger LOG = LoggerFactory.getLogger(EditorCommands.class);

    private static final String FORCE_APPLY = "Force apply";

    private final ClusterLink link;
    private final ExecutorService executor;
    /** Refusals by file and document: they stay until that document is applied again. */
    private final Map<String, Map<Integer, List<Diagnostic>>> refusals = new ConcurrentHashMap<>();
    /** The followed logs by document: following again replaces the stream instead of adding a second one. */
    private final Map<String, LogWatch> logWatches = new ConcurrentHashMap<>();

    EditorCommands(ClusterLink link, ExecutorService executor) {
        this.link = link;
        this.executor = executor;
    }

    List<Diagnostic> refusals(String uri) {
        List<Diagnostic> out = new ArrayList<>();
        refusals.getOrDefault(uri, Map.of()).values().forEach(out::addAll);
        return out;
    }

    void shutdown() {
        logWatches.values().forEach(LogWatch::close);
    }

    CompletableFuture<Object> execute(String command, List<Object> arguments) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(command, arguments);
            } catch (RuntimeException e) {
                LOG.warn("command " + command + " failed", e);
                return Map.of("results", List.of(), "message", command + " failed: " + e.getMessage());
            }
        }, executor);
    }

    private Object run(String command, List<Object> arguments) {
        JsonObject args = arguments == null || arguments.isEmpty() || !(arguments.get(0) instanceof JsonElement e)
                || !e.isJsonObject() ? new JsonObject() : e.getAsJsonObject();
        String uri = args.has("uri") ? args.get("uri").getAsString() : null;
        ManifestDocument document = uri == null ? null : document(uri);
        if (document == null) {
            return Map.of("results", List.of(), "message", "no document " + uri);
        }
        List<ManifestObject> targets = new ArrayList<>();
        if (args.has("document") && args.get("document").isJsonPrimitive()) {
            ManifestObject one = ManifestObject.of(document, args.get("document").getAsInt(), link.defaultNamespace());
            if (one != null) {
                targets.add(one);
            }
        } else {
            targets.addAll(ManifestObject.of(document, link.defaultNamespace()));
        }
        if (targets.isEmpty()) {
            return Map.of("results", List.of(), "message", "no document with apiVersion, kind and metadata.name there");
        }
        KubernetesClient k = link.connectedClient();
        if (k == null) {
            String message = link.connection().message();
            List<Object> results = new ArrayList<>();
            targets.forEach(t -> results.add(Map.of("document", t.document(), "kind", t.kind(), "name", t.name(),
                    "ok", false, "message", message)));
            return Map.of("results", results, "message", message);
        }
        ClusterCommands ops = new ClusterCommands(k);
        boolean force = args.has("force") && args.get("force").getAsBoolean();
        List<Object> results = new ArrayList<>();
        for (ManifestObject target : targets) {
            results.add(switch (command) {
                case "coxswain.apply" -> apply(ops, document, target, force);
                case "coxswain.dryRun" -> {
                    refusals.getOrDefault(uri, new ConcurrentHashMap<>()).remove(target.document());
                    yield ops.apply(target, false, true, refusal -> refused(document, target, refusal));
                }
                case "coxswain.delete" -> ops.delete(target);
                case "coxswain.diff" -> ops.diff(target);
                case "coxswain.logs" -> logs(ops, target, args);
                default -> Map.of("ok", false, "message", "unknown command " + command);
            });
        }
        link.commandDone();
        return Map.of("results", results);
    }

    private Map<String, Object> apply(ClusterCommands ops, ManifestDocument document, ManifestObject target, boolean force) {
        refusals.computeIfAbsent(document.uri(), u -> new ConcurrentHashMap<>()).remove(target.document());
        Map<String, Object> result = ops.apply(target, force, false, refusal -> refused(document, target, refusal));
        if (Boolean.TRUE.equals(result.get("ok"))) {
            link.deployed(target);
        } else if (Boolean.TRUE.equals(result.get("conflict"))) {
            offerForce(target, String.valueOf(result.get("message")));
        }
        return result;
    }

    /** A conflict is shown with the choice to take the fields over; choosing it applies again with force. */
    private void offerForce(ManifestObject target, String message) {
        CoxswainClient c = link.client();
        if (c == null) {
            return;
        }
        ShowMessageRequestParams ask = new ShowMessageRequestParams(List.of(new MessageActionItem(FORCE_APPLY)));
        ask.setType(MessageType.Warning);
        ask.setMessage(ClusterCommands.resourceName(target) + ": " + message);
        c.showMessageRequest(ask).thenAccept(choice -> {
            if (choice != null && FORCE_APPLY.equals(choice.getTitle())) {
                JsonObject args = new JsonObject();
                args.addProperty("uri", target.uri());
                args.addProperty("document", target.document());
                args.addProperty("force", true);
                execute("coxswain.apply", List.of(args));
            }
        });
    }

    private Map<String, Object> logs(ClusterCommands ops, ManifestObject target, JsonObject args) {
        String container = args.has("container") ? args.get("container").getAsString() : null;
        Integer tail = args.has("tailLines") ? args.get("tailLines").getAsInt() : null;
        boolean follow = args.has("follow") && args.get("follow").getAsBoolean();
        Map<String, Object> chunkBase = new LinkedHashMap<>();
        chunkBase.put("uri", target.uri());
        chunkBase.put("document", target.document());
        Map<String, Object> result = ops.logs(target, container, tail,
                follow ? text -> sendLog(chunkBase, Map.of("text", text)) : null,
                () -> sendLog(chunkBase, Map.of("text", "", "end", true)), watch -> {
                    LogWatch previous = logWatches.put(target.uri() + "#" + target.document(), watch);
                    if (previous != null) {
                        previous.close();
                    }
                });
        chunkBase.put("pod", result.get("pod"));
        chunkBase.put("container", result.get("container"));
        return result;
    }

    private void sendLog(Map<String, Object> base, Map<String, Object> extra) {
        CoxswainClient c = link.client();
        if (c != null) {
            Map<String, Object> chunk = new LinkedHashMap<>(base);
            chunk.putAll(extra);
            c.logs(chunk);
        }
    }

    /** A 4xx with field causes becomes Error diagnostics on those nodes; it stays until the next apply. */
    private void refused(ManifestDocument document, ManifestObject target, ClusterCommands.Refusal refusal) {
        SectionParse parse = document.sections().get(target.document()).parse();
        int start = document.startLine(target.document());
        List<Diagnostic> out = new ArrayList<>();
        List<StatusCause> causes = refusal.causes().isEmpty() ? List.of(new StatusCause(null, refusal.message(), null))
                : refusal.causes();
        for (StatusCause cause : causes) {
            Span span = cause.getField() == null ? parse.keyOrAncestor("/kind") : parse.valueOrAncestor(pointer(cause.getField()));
            Range range = new Range(new Position(start + span.startLine(), span.startColumn()),
                    new Position(start + span.endLine(), span.endColumn()));
            String message = "the cluster refused this (" + refusal.code() + "): "
                    + (cause.getField() == null ? "" : cause.getField() + ": ") + cause.getMessage();
            out.add(new Diagnostic(range, message, DiagnosticSeverity.Error, ClusterLink.SOURCE, "refused"));
        }
        refusals.computeIfAbsent(document.uri(), u -> new ConcurrentHashMap<>()).put(target.document(), out);
    }

    /** {@code spec.containers[0].image} as a JSON pointer: {@code /spec/containers/0/image}. */
    static String pointer(String field) {
        String f = field.startsWith("/") ? field.substring(1) : field;
        StringBuilder out = new StringBuilder();
        for (String part : f.replaceAll("\\[(\\d+)]", ".$1").split("[./]")) {
            if (!part.isEmpty()) {
                out.append('/').append(part.replace("~", "~0"));
            }
        }
        return out.toString();
    }

    private ManifestDocument document(String uri) {
        var open = link.workspace().get(uri);
        if (open.isPresent()) {
            return open.get();
        }
        try {
            return ManifestDocument.of(uri, 0, Files.readString(Path.of(URI.create(uri))));
        } catch (Exception e) {
            return null;
        }
    }
}
