package io.coxswain.apiserver.table;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** apimachinery's {@code duration.HumanDuration} and the printers' {@code translateTimestampSince}. */
public final class Durations {

    private Durations() {
    }

    /** Formats a duration as kubectl does: "0s", "45s", "3m2s", "10m", "5h6m", "20h", "3d4h", "30d", "2y45d", "9y". */
    public static String human(Duration d) {
        // Go: seconds := int(d.Seconds()), truncated toward zero.
        long seconds = d.toMillis() / 1000;
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** {@code translateTimestampSince}: "&lt;unknown&gt;" for an absent timestamp, else the human age. */
    public static String since(String timestamp, Instant now) {
        return parse(timestamp).map(t -> human(Duration.between(t, now))).orElse("<unknown>");
    }

    /** Human duration between two RFC 3339 timestamps, or "" when either is absent. */
    public static String between(String start, String end) {
        Optional<Instant> s = parse(start);
        Optional<Instant> e = parse(end);
        return s.isPresent() && e.isPresent() ? human(Duration.between(s.get(), e.get())) : "";
    }

    /** Parses an RFC 3339 timestamp (metav1.Time or MicroTime); empty when absent, zero or invalid. */
    public static Optional<Instant> parse(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return Optional.empty();
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            try {
                t = Instant.parse(timestamp);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
        // Go's zero time (0001-01-01T00:00:00Z) counts as unset.
        return t.equals(GO_ZERO_TIME) ? Optional.empty() : Optional.of(t);
    }

    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");
}
