package io.coxswain.client;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonThreadsTest {

    @Test
    void threadsCarryTheMdcOfWhereTheFactoryWasMade() throws Exception {
        ThreadFactory tagged;
        try (var component = MDC.putCloseable("component", "kubelet")) {
            tagged = DaemonThreads.named("pod-worker");
        }
        ThreadFactory plain = DaemonThreads.named("other");
        AtomicReference<String> seen = new AtomicReference<>("unset");
        AtomicReference<String> seenPlain = new AtomicReference<>("unset");
        Thread t = tagged.newThread(() -> seen.set(MDC.get("component")));
        Thread p = plain.newThread(() -> seenPlain.set(MDC.get("component")));
        t.start();
        p.start();
        t.join();
        p.join();
        assertThat(seen.get()).isEqualTo("kubelet");
        assertThat(seenPlain.get()).isNull();
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("pod-worker");
    }
}
