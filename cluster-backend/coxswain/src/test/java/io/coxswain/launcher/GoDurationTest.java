package io.coxswain.launcher;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoDurationTest {

    private final GoDuration duration = new GoDuration();

    @Test
    void readsDurationsAsKubeFlagsWriteThem() {
        assertThat(duration.convert("0")).isEqualTo(Duration.ZERO);
        assertThat(duration.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(duration.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(duration.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(duration.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(duration.convert("2h")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void refusesWhatIsNotADuration() {
        for (String bad : new String[]{"5", "s", "5x", "5s junk", "-1s", ""}) {
            assertThatThrownBy(() -> duration.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class);
        }
    }
}
