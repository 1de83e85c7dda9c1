package io.coxswain.network;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real processes: the deadline holds even when the command never ends, and a failure says what failed. */
class HostCommandsTest {

    @Test
    void aHungCommandIsKilledAtItsDeadline() {
        HostCommands host = HostCommands.local().withTimeout(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> host.run("sleep", "30"))
                .isInstanceOf(HostCommandException.class).hasMessageContaining("sleep 30 did not finish in 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aFailedCommandNamesItsExitCodeAndStderr() {
        assertThatThrownBy(() -> HostCommands.local().check("sh", "-c", "echo no such route >&2; exit 2"))
                .hasMessage("sh -c echo no such route >&2; exit 2 exited with 2: no such route");
    }

    @Test
    void aMissingToolIsAClearError() {
        assertThatThrownBy(() -> HostCommands.local().run("no-such-tool-here"))
                .hasMessageContaining("no-such-tool-here could not start");
    }
}
