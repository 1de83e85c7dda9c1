package io.coxswain.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.coxswain.controllers.ControllerOptions;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void nodeCidrFlagsAreCheckedBeforeAnythingStarts() {
        for (String command : new String[]{"all-in-one", "controller-manager"}) {
            CommandLine line = new CommandLine(new Main());
            CommandLine.ParseResult parsed = line.parseArgs(command, "--cluster-cidr", "10.244.0.1/16");
            NodeCidrOptions flags = nodeCidrs(parsed.subcommand().commandSpec().userObject());
            assertThatThrownBy(() -> flags.apply(ControllerOptions.defaults())).as(command)
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessage("--cluster-cidr 10.244.0.1/16 has host bits set; the network is 10.244.0.0/16");
        }
        CommandLine line = new CommandLine(new Main());
        NodeCidrOptions defaults = nodeCidrs(line.parseArgs("controller-manager").subcommand().commandSpec().userObject());
        assertThat(defaults.apply(ControllerOptions.defaults()).clusterCidr()).isEqualTo("10.244.0.0/16");
        NodeCidrOptions off = nodeCidrs(new CommandLine(new Main()).parseArgs("controller-manager", "--allocate-node-cidrs=false",
                "--cluster-cidr", "not-a-cidr").subcommand().commandSpec().userObject());
        assertThat(off.apply(ControllerOptions.defaults()).clusterCidr()).as("off: the CIDR is not read").isNull();
    }

    private static NodeCidrOptions nodeCidrs(Object command) {
        return command instanceof AllInOneCommand a ? a.nodeCidrs : ((ControllerManagerCommand) command).nodeCidrs;
    }

    private static void apply(String... args) {
        Main.applyLogOptions(new CommandLine(new Main()).parseArgs(args));
    }
}
