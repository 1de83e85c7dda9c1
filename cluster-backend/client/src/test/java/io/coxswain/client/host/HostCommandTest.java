package io.coxswain.client.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostCommandTest {

    @Test
    void aCommandThatHangsIsKilledAtItsDeadline() {
        long start = System.nanoTime();
        HostCommand.Result r = HostCommand.run(List.of("sh", "-c", "echo started; exec sleep 60"), null, Duration.ofMillis(500));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stderr()).isEqualTo("sh -c echo started; exec sleep 60 did not finish in 500 ms and was killed");
        assertThat(r.stdout()).isEqualTo("started\n");
        assertThat(tookMs).as("returned soon after the deadline, not after the command's 60 s").isLessThan(30_000);
    }

    @Test
    void aCommandThatNeverReadsItsInputStillTimesOut() {
        // more input than a pipe holds, to a command that never reads it: the writer must not block the caller
        String input = "x".repeat(1 << 20);
        HostCommand.Result r = HostCommand.run(List.of("sleep", "60"), input, Duration.ofMillis(300));
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stderr()).contains("did not finish in 300 ms");
    }

    @Test
    void inputAndLargeOutputsPassWhole() {
        String input = "line\n".repeat(50_000);
        HostCommand.Result r = HostCommand.run(List.of("sh", "-c", "cat; cat >&2 </dev/null; head -c 200000 /dev/zero | tr '\\0' e >&2"),
                input, Duration.ofSeconds(30));
        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEqualTo(input);
        assertThat(r.stderr()).hasSize(200_000);
    }

    @Test
    void exitCodeAndStderrOfAFailure() {
        HostCommand.Result r = HostCommand.run(List.of("sh", "-c", "echo refused >&2; exit 4"), null);
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.stderr()).isEqualTo("refused\n");
    }

    @Test
    void aMissingProgramSaysSo() {
        HostCommand.Result r = HostCommand.run(List.of("/nonexistent/iptables-restore", "-w", "5"), "", Duration.ofSeconds(5));
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stderr()).startsWith("/nonexistent/iptables-restore -w 5 could not start: Cannot run program");
    }
}
