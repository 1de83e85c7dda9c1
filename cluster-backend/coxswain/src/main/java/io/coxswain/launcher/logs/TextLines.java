package io.coxswain.launcher.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import org.slf4j.event.KeyValuePair;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code --log-format text}: {@code 2026-12-07T15:04:22.123456Z INFO  [apiserver] message key=value}, then the stack
 * trace of an exception on the lines after.
 */
public final class TextLines extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(event.getInstant(), line);
        String level = event.getLevel().toString();
        line.append(' ').append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        line.append('[').append(LogComponent.of(event.getLoggerName(), event.getMDCPropertyMap())).append("] ");
        line.append(event.getFormattedMessage());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                String value = String.valueOf(pair.value);
                line.append(' ').append(pair.key).append('=')
                        .append(value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == '"') ? quoted(value) : value);
            }
        }
        line.append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
