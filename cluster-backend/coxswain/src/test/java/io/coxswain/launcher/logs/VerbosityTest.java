package io.coxswain.launcher.logs;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerbosityTest {

    @Test
    void klogLevelsMapOntoOursAndTheLibraries() {
        assertThat(Verbosity.of(0)).isEqualTo(new Verbosity(Level.INFO, Level.WARN));
        assertThat(Verbosity.of(1)).isEqualTo(new Verbosity(Level.INFO, Level.WARN));
        assertThat(Verbosity.of(2)).isEqualTo(new Verbosity(Level.INFO, Level.INFO));
        assertThat(Verbosity.of(3)).isEqualTo(new Verbosity(Level.INFO, Level.INFO));
        assertThat(Verbosity.of(4)).isEqualTo(new Verbosity(Level.DEBUG, Level.INFO));
        assertThat(Verbosity.of(5)).isEqualTo(new Verbosity(Level.DEBUG, Level.INFO));
        assertThat(Verbosity.of(6)).isEqualTo(new Verbosity(Level.TRACE, Level.INFO));
        assertThat(Verbosity.of(8)).isEqualTo(new Verbosity(Level.TRACE, Level.DEBUG));
        assertThat(Verbosity.of(10)).isEqualTo(new Verbosity(Level.TRACE, Level.DEBUG));
    }

    @Test
    void negativeIsRefused() {
        assertThatThrownBy(() -> Verbosity.of(-1)).hasMessageContaining("--v must be 0 or more");
    }
}
