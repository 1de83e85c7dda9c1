package io.coxswain.launcher.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Configures Logback in code, at start, from the command's flags: one appender on standard error (kube components
 * log there), text or JSON lines, levels from {@code --v}. Called again it replaces the configuration.
 */
public final class LogSetup {

    private LogSetup() {
    }

    /** The process's logging: {@code component} names lines that no package or MDC key places. */
    public static void apply(LogOptions options, String component) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), Verbosity.of(options.verbosity), options.format, component, null);
    }

    /**
     * @param out where lines go; null for standard error
     */
    public static void configure(LoggerContext context, Verbosity verbosity, LogFormat format, String component, OutputStream out) {
        LogComponent.process(component);
        context.reset();
        routeJavaUtilLogging(context);
        Encoder<ILoggingEvent> encoder = format == LogFormat.json ? json(context) : text(context);
        OutputStreamAppender<ILoggingEvent> appender;
        if (out == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        } else {
            appender = new OutputStreamAppender<>();
            appender.setOutputStream(out);
        }
        appender.setContext(context);
        appender.setName(format.name());
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(verbosity.libraries());
        root.addAppender(appender);
        context.getLogger("io.coxswain").setLevel(verbosity.ours());
    }

    /**
     * java.util.logging (gRPC under jetcd, parts of the JDK) goes through SLF4J too, with its levels following
     * Logback's, so that a disabled level costs nothing there.
     */
    private static void routeJavaUtilLogging(LoggerContext context) {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        LevelChangePropagator levels = new LevelChangePropagator();
        levels.setContext(context);
        levels.setResetJUL(true);
        levels.start();
        context.addListener(levels);
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        TextLines layout = new TextLines();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        LoggingEventJsonProviders providers = new LoggingEventJsonProviders();
        KubeJsonFields kube = new KubeJsonFields();
        providers.addProvider(kube);
        LogLevelJsonProvider level = new LogLevelJsonProvider();
        level.setFieldName("level");
        providers.addProvider(level);
        MessageJsonProvider message = new MessageJsonProvider();
        message.setFieldName("msg");
        providers.addProvider(message);
        LoggerNameJsonProvider logger = new LoggerNameJsonProvider();
        logger.setFieldName("logger");
        providers.addProvider(logger);
        providers.addProvider(new KeyValuePairsJsonProvider());
        StackTraceJsonProvider stack = new StackTraceJsonProvider();
        stack.setFieldName("err");
        providers.addProvider(stack);
        LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
        encoder.setContext(context);
        encoder.setProviders(providers);
        encoder.start();
        return encoder;
    }
}
