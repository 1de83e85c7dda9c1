package io.coxswain.apiserver.table;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.coxswain.apiserver.table.Json.NOW;
import static io.coxswain.apiserver.table.Json.ago;
import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @ParameterizedTest(name = "{0}s -> {1}")
    @CsvSource({
            "0, 0s",
            "1, 1s",
            "45, 45s",
            "98, 98s",
            "119, 119s",
            "120, 2m",
            "182, 3m2s",
            "599, 9m59s",
            "600, 10m",
            "7200, 120m",
            "10799, 179m",
            "10800, 3h",
            "18360, 5h6m",
            "28800, 8h",
            "172799, 47h",
            "172800, 2d",
            "273600, 3d4h",
            "259200, 3d",
            "691200, 8d",
            "63071999, 729d",
            "63072000, 2y",
            "66960000, 2y45d",
            "283824000, 9y",
    })
    void humanDuration(long seconds, String expected) {
        assertThat(Durations.human(Duration.ofSeconds(seconds))).isEqualTo(expected);
    }

    @Test
    void smallNegativeSkewIsZeroLargerIsInvalid() {
        assertThat(Durations.human(Duration.ofMillis(-1500))).isEqualTo("0s");
        assertThat(Durations.human(Duration.ofSeconds(-1))).isEqualTo("0s");
        assertThat(Durations.human(Duration.ofSeconds(-2))).isEqualTo("<invalid>");
    }

    @Test
    void subSecondPrecisionTruncates() {
        assertThat(Durations.human(Duration.ofMillis(1999))).isEqualTo("1s");
        assertThat(Durations.human(Duration.ofMillis(182_900))).isEqualTo("3m2s");
    }

    @Test
    void sinceHandlesMissingAndMalformedTimestamps() {
        assertThat(Durations.since(null, NOW)).isEqualTo("<unknown>");
        assertThat(Durations.since("", NOW)).isEqualTo("<unknown>");
        assertThat(Durations.since("yesterday", NOW)).isEqualTo("<unknown>");
        assertThat(Durations.since("0001-01-01T00:00:00Z", NOW)).isEqualTo("<unknown>");
        assertThat(Durations.since(ago(104), NOW)).isEqualTo("104s");
    }

    @Test
    void sinceAcceptsOffsetsAndMicroTime() {
        assertThat(Durations.since("2025-03-10T13:55:00+02:00", NOW)).isEqualTo("5m");
        assertThat(Durations.since("2025-03-10T11:59:30.123456Z", NOW)).isEqualTo("29s");
    }

    @Test
    void between() {
        assertThat(Durations.between("2025-03-10T11:00:00Z", "2025-03-10T11:00:12Z")).isEqualTo("12s");
        assertThat(Durations.between("", "2025-03-10T11:00:12Z")).isEmpty();
    }
}
