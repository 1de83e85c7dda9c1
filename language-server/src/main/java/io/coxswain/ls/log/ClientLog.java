package io.coxswain.ls.log;

import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.services.LanguageClient;
import org.slf4j.event.Level;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;

/**
 * Where the server's log goes (its own and its libraries', fabric8's among them, through SLF4J): to the client as
 * {@code window/logMessage} once one is connected, so that it shows in the editor's output for the server (VS Code's
 * "Coxswain Language Server" channel, Neovim's LspLog, Emacs' lsp log); before that, and if sending fails, to stderr,
 * which editors show in the same place. Never to stdout, which carries the protocol. As LemMinX's ClientLogHandler.
 *
 * <p>The threshold is the system property {@code coxswain.log.level} (error, warn, info, debug, trace; default info),
 * given in VS Code with the setting {@code coxswain.java.vmargs}, e.g. {@code -Dcoxswain.log.level=debug}.
 */
public final class ClientLog {

    public static final String LEVEL_PROPERTY = "coxswain.log.level";

    private static volatile LanguageClient client;

    private ClientLog() {
    }

    /** Sends the log to this client from now on; {@code null} sends it to stderr again. */
    public static void connect(LanguageClient languageClient) {
        client = languageClient;
    }

    /** The threshold: the property's level, or info when it names none (said once on stderr). */
    static Level threshold() {
        String value = System.getProperty(LEVEL_PROPERTY);
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        try {
            return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("-D" + LEVEL_PROPERTY + "=" + value + " is not one of error, warn, info, debug, trace; logging at info");
            return Level.INFO;
        }
    }

    static void publish(Level level, String logger, String message, Throwable error) {
        StringBuilder text = new StringBuilder(shortName(logger)).append(": ").append(message);
        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace.toString().stripTrailing());
        }
        LanguageClient c = client;
        if (c != null) {
            try {
                c.logMessage(new MessageParams(type(level), text.toString()));
                return;
            } catch (RuntimeException e) {
                // the connection is gone: stderr still reaches whoever reads it
            }
        }
        System.err.println("[" + level + "] " + text);
    }

    static MessageType type(Level level) {
        return switch (level) {
            case ERROR -> MessageType.Error;
            case WARN -> MessageType.Warning;
            case INFO -> MessageType.Info;
            case DEBUG, TRACE -> MessageType.Log;
        };
    }

    /** {@code io.fabric8.kubernetes.client.Config} as {@code i.f.k.c.Config}: the output line stays readable. */
    static String shortName(String logger) {
        String[] parts = logger.split("\\.");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            out.append(parts[i].isEmpty() ? "" : parts[i].substring(0, 1)).append('.');
        }
        return out.append(parts[parts.length - 1]).toString();
    }
}
