package io.coxswain.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.coxswain.launcher.logs.LogFormat;
import io.coxswain.launcher.logs.LogSetup;
import io.coxswain.launcher.logs.Verbosity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The logging flags, on every component's command and on all-in-one, set Logback before the command runs. */
class MainTest {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void defaults() {
        LogSetup.configure(context, Verbosity.of(0), LogFormat.text, "coxswain", null);
    }

    @Test
    void everyComponentTakesVerbosityAndFormat() {
        for (String command : new String[]{"all-in-one", "apiserver", "scheduler", "controller-manager", "kubelet", "proxy"}) {
            apply(command, "--v=4", "--log-format", "json");
            assertThat(context.getLogger("io.coxswain").getLevel()).as(command).isEqualTo(Level.DEBUG);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).as(command).isEqualTo(Level.INFO);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("json")).as(command).isNotNull();
        }
        apply("scheduler", "-v", "6");
        assertThat(context.getLogger("io.coxswain").getLevel()).isEqualTo(Level.TRACE);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("text")).isNotNull();
        apply("--v=2");
        assertThat(context.getLogger("io.coxswain").getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void anUnknownFormatOrNegativeVerbosityIsRefused() {
        CommandLine line = new CommandLine(new Main());
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err));
        line.setExecutionStrategy(parsed -> {
            Main.applyLogOptions(parsed);
            return 0;
        });
        assertThat(line.execute("kubelet", "--log-format", "xml")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--log-format'").contains("text, json");
        assertThat(line.execute("apiserver", "--v=-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--v must be 0 or more");
    }

    private static void apply(String... args) {
        Main.applyLogOptions(new CommandLine(new Main()).parseArgs(args));
    }
}
