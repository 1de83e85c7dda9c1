package io.coxswain.ls.log;

import io.coxswain.ls.ServerConnection;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.coxswain.ls.RecordingClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The SLF4J provider: every library's log reaches the client as window/logMessage, over a real connection. */
class ClientLogTest {

    @Test
    void slf4jFindsTheProvider() {
        assertThat(LoggerFactory.getILoggerFactory().getLogger("x")).isInstanceOf(ClientLogger.class);
    }

    @Test
    void aLibrarysLinesReachTheClientWithTheirLevel() throws Exception {
        try (ServerConnection c = new ServerConnection()) {
            c.initialize(null, false);
            Logger fabric8 = LoggerFactory.getLogger("io.fabric8.kubernetes.client.Config");
            fabric8.info("using context {} of {}", "kind", "/tmp/kubeconfig");
            MessageParams info = c.client.awaitLog("using context kind of /tmp/kubeconfig");
            assertThat(info.getType()).isEqualTo(MessageType.Info);
            assertThat(info.getMessage()).isEqualTo("i.f.k.c.Config: using context kind of /tmp/kubeconfig");

            fabric8.warn("watch closed", new IllegalStateException("HTTP 410"));
            MessageParams warning = c.client.awaitLog("watch closed");
            assertThat(warning.getType()).isEqualTo(MessageType.Warning);
            assertThat(warning.getMessage()).contains("java.lang.IllegalStateException: HTTP 410", "at io.coxswain.ls.log.ClientLogTest");

            fabric8.debug("below the default threshold");
            fabric8.error("after it");
            List<MessageParams> seen = new ArrayList<>();
            MessageParams next;
            do {
                next = c.client.logs.poll(30, TimeUnit.SECONDS);
                seen.add(next);
            } while (next != null && !next.getMessage().endsWith("after it"));
            assertThat(next).isNotNull();
            assertThat(next.getType()).isEqualTo(MessageType.Error);
            assertThat(seen).noneMatch(m -> m.getMessage().contains("below the default threshold"));
        }
    }

    @Test
    void theServersOwnLinesGoThereToo() throws Exception {
        try (ServerConnection c = new ServerConnection()) {
            c.initialize(null, false);
            assertThat(c.client.awaitLog("coxswain-language-server 0.1.0 on Java ").getType()).isEqualTo(MessageType.Info);
            c.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(json("{\"coxswain\":{\"hover\":false}}")));
            assertThat(c.client.awaitLog("validation on, completion on, hover off").getMessage())
                    .startsWith("i.c.l.CoxswainTextDocumentService: ");
        }
    }

    @Test
    void levelsMapToMessageTypes() {
        assertThat(ClientLog.type(Level.ERROR)).isEqualTo(MessageType.Error);
        assertThat(ClientLog.type(Level.WARN)).isEqualTo(MessageType.Warning);
        assertThat(ClientLog.type(Level.INFO)).isEqualTo(MessageType.Info);
        assertThat(ClientLog.type(Level.DEBUG)).isEqualTo(MessageType.Log);
        assertThat(ClientLog.shortName("Main")).isEqualTo("Main");
    }
}
