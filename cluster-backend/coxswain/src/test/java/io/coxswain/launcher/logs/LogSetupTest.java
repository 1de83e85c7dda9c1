package io.coxswain.launcher.logs;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogSetupTest {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void defaults() {
        LogSetup.configure(context, Verbosity.of(0), LogFormat.text, "coxswain", null);
    }

    @Test
    void jsonLinesHaveTsLevelComponentAndMsg() throws Exception {
        LogSetup.configure(context, Verbosity.of(0), LogFormat.json, "scheduler", out);
        double before = System.currentTimeMillis() / 1000.0;
        LoggerFactory.getLogger("io.coxswain.apiserver.ApiServer").info("listening on {}", "127.0.0.1:6443");
        LoggerFactory.getLogger("io.coxswain.store.embedded.EmbeddedStore").atInfo().addKeyValue("revision", 42).log("compacted");
        LoggerFactory.getLogger("io.coxswain.client.LeaderElection").info("shared code, no MDC");
        try (var tagged = MDC.putCloseable(LogComponent.MDC_KEY, "kubelet")) {
            LoggerFactory.getLogger("io.fabric8.Informer").warn("a library on a kubelet thread");
        }
        LoggerFactory.getLogger("io.coxswain.kubelet.Kubelet").error("sync failed", new IllegalStateException("no runtime"));
        java.util.logging.Logger.getLogger("io.grpc.internal.ManagedChannelImpl").warning("a java.util.logging warning");
        java.util.logging.Logger.getLogger("io.grpc.internal.ManagedChannelImpl").info("a java.util.logging info, not at --v=0");
        LoggerFactory.getLogger("io.coxswain.apiserver.ApiServer").debug("not at --v=0");
        LoggerFactory.getLogger("io.vertx.core.Something").info("a library's info, not at --v=0");
        double after = System.currentTimeMillis() / 1000.0;

        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(json.readTree(line));
        }
        assertThat(lines).hasSize(6);
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.get("ts").isNumber()).isTrue();
            assertThat(l.get("ts").asDouble()).isBetween(before - 0.001, after + 0.001);
        });
        assertThat(lines).extracting(l -> l.get("level").asText()).containsExactly("INFO", "INFO", "INFO", "WARN", "ERROR", "WARN");
        assertThat(lines).extracting(l -> l.get("component").asText())
                .containsExactly("apiserver", "store", "scheduler", "kubelet", "kubelet", "scheduler");
        assertThat(lines).extracting(l -> l.get("msg").asText()).containsExactly("listening on 127.0.0.1:6443", "compacted",
                "shared code, no MDC", "a library on a kubelet thread", "sync failed", "a java.util.logging warning");
        assertThat(lines.get(1).get("revision").asInt()).isEqualTo(42);
        assertThat(lines.get(4).get("err").asText()).contains("java.lang.IllegalStateException: no runtime").contains("\tat ");
        assertThat(lines.get(0).get("logger").asText()).isEqualTo("io.coxswain.apiserver.ApiServer");
    }

    @Test
    void threadsOfAComponentNameIt() throws Exception {
        LogSetup.configure(context, Verbosity.of(0), LogFormat.text, "all-in-one", out);
        Thread t = LogComponent.threads("scheduler").newThread(() -> LoggerFactory.getLogger("io.fabric8.Informer").warn("on a scheduler thread"));
        t.start();
        t.join();
        LoggerFactory.getLogger("io.fabric8.Informer").warn("elsewhere");
        assertThat(t.getName()).isEqualTo("scheduler-1");
        assertThat(t.isDaemon()).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("WARN  [scheduler] on a scheduler thread\n")
                .contains("WARN  [all-in-one] elsewhere\n");
    }

    @Test
    void textLinesHaveTimeLevelAndComponent() {
        LogSetup.configure(context, Verbosity.of(4), LogFormat.text, "all-in-one", out);
        Logger launcher = LoggerFactory.getLogger("io.coxswain.launcher.AllInOneCommand");
        launcher.info("coxswain all-in-one: API ready at {} in {} ms", "https://127.0.0.1:6443", 812);
        try (var tagged = MDC.putCloseable(LogComponent.MDC_KEY, "kubelet")) {
            launcher.info("kubelet: node {} is ready on Docker", "coxswain");
        }
        LoggerFactory.getLogger("io.coxswain.scheduler.Scheduler").atDebug().addKeyValue("pod", "default/web 1").log("bound");
        LoggerFactory.getLogger("io.coxswain.scheduler.Scheduler").trace("not at --v=4");

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).matches(time + " INFO  \\[all-in-one\\] coxswain all-in-one: API ready at https://127\\.0\\.0\\.1:6443 in 812 ms");
        assertThat(lines[1]).matches(time + " INFO  \\[kubelet\\] kubelet: node coxswain is ready on Docker");
        assertThat(lines[2]).matches(time + " DEBUG \\[scheduler\\] bound pod=\"default/web 1\"");
    }
}
