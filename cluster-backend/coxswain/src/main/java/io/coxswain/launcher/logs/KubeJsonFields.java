package io.coxswain.launcher.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The fields of kube's JSON log lines that logstash-logback-encoder has no provider for: {@code ts}, seconds since
 * the epoch as a decimal number (as zap writes it for kube components), and our {@code component}.
 */
public final class KubeJsonFields extends AbstractJsonProvider<ILoggingEvent> {

    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        Instant at = event.getInstant();
        generator.writeFieldName("ts");
        generator.writeNumber(BigDecimal.valueOf(at.getEpochSecond()).add(BigDecimal.valueOf(at.getNano() / 1000, 6)));
        generator.writeStringField("component", LogComponent.of(event.getLoggerName(), event.getMDCPropertyMap()));
    }
}
