package io.coxswain.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes writes them (Go's time.ParseDuration): {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 1.5h}. */
public final class GoDurations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private GoDurations() {
    }

    /** The duration, or null when {@code text} is not one ({@code 0} alone is zero, as in Go). */
    public static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(text);
        double millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            millis += n * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            end = m.end();
        }
        return end == text.length() && end > 0 ? Duration.ofMillis(Math.round(millis)) : null;
    }
}
