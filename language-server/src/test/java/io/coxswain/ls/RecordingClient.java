package io.coxswain.ls;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.services.LanguageClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The client side of the protocol tests: it keeps what the server sends and answers workspace/configuration. */
public final class RecordingClient implements LanguageClient {

    public final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();
    public final BlockingQueue<MessageParams> logs = new LinkedBlockingQueue<>();
    /** The answers to workspace/configuration, by section; an absent section is answered null, as editors do. */
    public final Map<String, Object> settings = new ConcurrentHashMap<>();

    /** The first diagnostics for {@code uri} that satisfy the condition, waiting up to 30 s; null when none came. */
    public PublishDiagnosticsParams awaitDiagnostics(String uri, Predicate<PublishDiagnosticsParams> condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            PublishDiagnosticsParams p = diagnostics.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (p != null && p.getUri().equals(uri) && condition.test(p)) {
                return p;
            }
        }
        return null;
    }

    /** The last diagnostics for {@code uri} once the server has sent nothing for half a second; null when none came. */
    public PublishDiagnosticsParams lastDiagnostics(String uri) throws InterruptedException {
        PublishDiagnosticsParams last = null;
        PublishDiagnosticsParams p;
        while ((p = diagnostics.poll(500, TimeUnit.MILLISECONDS)) != null) {
            if (p.getUri().equals(uri)) {
                last = p;
            }
        }
        return last;
    }

    /** The first log message containing {@code text}, waiting up to 30 s; null when none came. */
    public MessageParams awaitLog(String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            MessageParams m = logs.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m != null && m.getMessage().contains(text)) {
                return m;
            }
        }
        return null;
    }

    public static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    @Override
    public CompletableFuture<List<Object>> configuration(ConfigurationParams params) {
        List<Object> answers = new ArrayList<>();
        params.getItems().forEach(item -> answers.add(settings.get(item.getSection())));
        return CompletableFuture.completedFuture(answers);
    }

    @Override
    public void telemetryEvent(Object object) {
    }

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams params) {
        diagnostics.add(params);
    }

    @Override
    public void showMessage(MessageParams params) {
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams message) {
        logs.add(message);
    }
}
