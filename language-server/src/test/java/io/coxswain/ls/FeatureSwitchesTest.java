package io.coxswain.ls;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.coxswain.ls.RecordingClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** coxswain.validate, coxswain.completion and coxswain.hover over the protocol, each turned off and on again live. */
class FeatureSwitchesTest {

    private static final String URI = "file:///pod.yaml";
    /** restartPolicy is wrong (a diagnostic), and the cursor at (5, 17) is on its value (completion, hover). */
    private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  restartPolicy: Sometimes\n";
    private static final Position ON_VALUE = new Position(5, 17);
    private static final Position ON_KEY = new Position(5, 4);

    @Test
    void validationOffClearsWhatWasPublishedAndOnPublishesAgain() throws Exception {
        try (ServerConnection c = new ServerConnection()) {
            c.initialize(null, false);
            open(c);
            assertThat(c.client.awaitDiagnostics(URI, p -> !p.getDiagnostics().isEmpty())).isNotNull();

            push(c, "{\"coxswain\":{\"validate\":false}}");
            assertThat(c.client.awaitDiagnostics(URI, p -> p.getDiagnostics().isEmpty())).isNotNull();

            push(c, "{\"coxswain\":{\"validate\":true}}");
            assertThat(c.client.awaitDiagnostics(URI, p -> !p.getDiagnostics().isEmpty()).getDiagnostics())
                    .anySatisfy(d -> assertThat(d.getRange().getStart().getLine()).isEqualTo(5));
        }
    }

    @Test
    void completionOffAnswersEmpty() throws Exception {
        try (ServerConnection c = new ServerConnection()) {
            c.initialize(null, false);
            open(c);
            assertThat(completionLabels(c)).contains("Always", "Never");

            push(c, "{\"coxswain\":{\"completion\":false}}");
            assertThat(completionLabels(c)).isEmpty();

            push(c, "{\"coxswain\":{\"completion\":true}}");
            assertThat(completionLabels(c)).contains("Always", "Never");
        }
    }

    @Test
    void hoverOffAnswersNothing() throws Exception {
        try (ServerConnection c = new ServerConnection()) {
            c.initialize(null, false);
            open(c);
            assertThat(hover(c).getContents().getRight().getValue()).contains("restartPolicy");

            push(c, "{\"coxswain\":{\"hover\":false}}");
            assertThat(hover(c)).isNull();

            push(c, "{\"coxswain\":{\"hover\":true}}");
            assertThat(hover(c)).isNotNull();
        }
    }

    @Test
    void theInitializationOptionsTurnAFeatureOffFromTheStart() throws Exception {
        try (ServerConnection c = new ServerConnection()) {
            c.initialize(json("{\"coxswain\":{\"hover\":false,\"completion\":false}}"), false);
            open(c);
            assertThat(hover(c)).isNull();
            assertThat(completionLabels(c)).isEmpty();
        }
    }

    /** VS Code pulls: the server asks workspace/configuration at initialized and on every didChangeConfiguration. */
    @Test
    void theSwitchesArePulledWhenTheClientAnswersConfiguration() throws Exception {
        try (ServerConnection c = new ServerConnection()) {
            c.client.settings.put("coxswain.validate", new JsonPrimitive(false));
            c.client.settings.put("coxswain.hover", new JsonPrimitive(false));
            c.initialize(null, true);
            open(c);
            awaitHover(c, false);
            assertThat(completionLabels(c)).contains("Always");
            assertThat(c.client.lastDiagnostics(URI)).isNotNull().satisfies(p -> assertThat(p.getDiagnostics()).isEmpty());

            c.client.settings.put("coxswain.hover", new JsonPrimitive(true));
            c.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(new JsonObject()));
            awaitHover(c, true);
        }
    }

    private static void open(ServerConnection c) {
        c.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(URI, "yaml", 1, POD)));
    }

    /** A pushed didChangeConfiguration is applied before the next request is read (notifications run in order). */
    private static void push(ServerConnection c, String settings) {
        c.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(json(settings)));
    }

    private static java.util.List<String> completionLabels(ServerConnection c) throws Exception {
        TextDocumentService documents = c.server.getTextDocumentService();
        return documents.completion(new CompletionParams(new TextDocumentIdentifier(URI), ON_VALUE)).get(30, TimeUnit.SECONDS)
                .getRight().getItems().stream().map(i -> i.getLabel()).toList();
    }

    private static Hover hover(ServerConnection c) throws Exception {
        return c.server.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(URI), ON_KEY)).get(30, TimeUnit.SECONDS);
    }

    /** A pulled answer arrives some time after the notification: wait for the hover to be on (or off). */
    private static void awaitHover(ServerConnection c, boolean on) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((hover(c) != null) != on && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(hover(c) != null).as("hover on").isEqualTo(on);
    }
}
