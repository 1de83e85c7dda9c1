package io.coxswain.kubelet;

import io.coxswain.api.health.HealthEndpoints;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SyncLoopMonitorTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final SyncLoopMonitor monitor = new SyncLoopMonitor(Duration.ofSeconds(1), now::get);
    private final HealthEndpoints healthz = new HealthEndpoints().endpoint("healthz", monitor.check());

    @Test
    void healthyWhileTheLoopBeganWithinFiveMinutes() {
        assertThat(healthz.answer("/healthz", false, List.of()).join().status()).as("before the first iteration").isEqualTo(200);
        monitor.enter();
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        assertThat(healthz.answer("/healthz", false, List.of()).join().status()).isEqualTo(200);
    }

    @Test
    void aLoopStuckLongerIsUnhealthy() {
        monitor.enter();
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        HealthEndpoints.Answer answer = healthz.answer("/healthz", true, List.of()).join();
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).isEqualTo("[-]syncloop failed: reason withheld\nhealthz check failed\n");
        monitor.enter();
        assertThat(healthz.answer("/healthz", false, List.of()).join().status()).isEqualTo(200);
    }

    @Test
    void aSlowLoopGetsTwiceItsInterval() {
        SyncLoopMonitor slow = new SyncLoopMonitor(Duration.ofMinutes(10), now::get);
        slow.enter();
        now.addAndGet(Duration.ofMinutes(19).toNanos());
        assertThat(new HealthEndpoints().endpoint("healthz", slow.check()).answer("/healthz", false, List.of()).join().status()).isEqualTo(200);
    }
}
