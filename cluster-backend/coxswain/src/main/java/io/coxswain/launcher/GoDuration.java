package io.coxswain.launcher;

import io.coxswain.api.GoDurations;
import picocli.CommandLine;

import java.time.Duration;

/** A duration flag as kube components write them: {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 0}. */
final class GoDuration implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration parsed = GoDurations.parse(value);
        if (parsed == null) {
            throw new CommandLine.TypeConversionException("not a duration such as 500ms, 5s or 1m30s: " + value);
        }
        return parsed;
    }
}
