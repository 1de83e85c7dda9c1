package io.coxswain.api.health;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The answers of k8s.io/apiserver/pkg/server/healthz, line for line. */
class HealthEndpointsTest {

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final HealthEndpoints health = new HealthEndpoints()
            .endpoint("livez", HealthCheck.ping(), new HealthCheck("etcd", () -> CompletableFuture.completedFuture(null)))
            .endpoint("readyz", HealthCheck.ping(), new HealthCheck("etcd", () -> CompletableFuture.completedFuture(null)),
                    HealthCheck.of("shutdown", () -> !stopping.get(), "the apiserver is shutting down"));

    @Test
    void passingIsOkOrEveryCheckWhenVerbose() {
        assertThat(health.answer("/readyz", false, List.of()).join()).isEqualTo(new HealthEndpoints.Answer(200, "ok", List.of()));
        assertThat(health.answer("/readyz", true, List.of()).join().body())
                .isEqualTo("[+]ping ok\n[+]etcd ok\n[+]shutdown ok\nreadyz check passed\n");
        assertThat(health.answer("/livez", true, List.of()).join().body()).isEqualTo("[+]ping ok\n[+]etcd ok\nlivez check passed\n");
    }

    @Test
    void aFailedCheckIs500WithTheReasonWithheld() {
        stopping.set(true);
        HealthEndpoints.Answer answer = health.answer("/readyz", false, List.of()).join();
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).isEqualTo("[+]ping ok\n[+]etcd ok\n[-]shutdown failed: reason withheld\nreadyz check failed\n");
        assertThat(answer.failures()).containsExactly("shutdown: the apiserver is shutting down");
        assertThat(health.answer("/livez", false, List.of()).join().status()).isEqualTo(200);
    }

    @Test
    void excludedChecksAreSkippedAndUnknownOnesWarned() {
        stopping.set(true);
        HealthEndpoints.Answer answer = health.answer("/readyz", true, List.of("shutdown", "nosuch")).join();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("[+]ping ok\n[+]etcd ok\n[+]shutdown excluded: ok\n"
                + "warn: some health checks cannot be excluded: no matches for \"nosuch\"\nreadyz check passed\n");
    }

    @Test
    void oneCheckByItsPath() {
        assertThat(health.answer("/readyz/etcd", false, List.of()).join()).isEqualTo(new HealthEndpoints.Answer(200, "ok", List.of()));
        stopping.set(true);
        HealthEndpoints.Answer answer = health.answer("/readyz/shutdown", false, List.of()).join();
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.body()).isEqualTo("internal server error: the apiserver is shutting down\n");
        assertThat(health.answer("/readyz/nosuch", false, List.of())).isNull();
        assertThat(health.answer("/healthz", false, List.of())).isNull();
        assertThat(health.paths()).containsExactly("/livez", "/livez/ping", "/livez/etcd", "/readyz", "/readyz/ping", "/readyz/etcd",
                "/readyz/shutdown");
    }

    @Test
    void aCheckThatThrowsOrFailsLateHasFailed() {
        HealthEndpoints broken = new HealthEndpoints().endpoint("healthz", HealthCheck.ping(),
                new HealthCheck("etcd", () -> CompletableFuture.supplyAsync(() -> {
                    throw new IllegalStateException("store unreachable");
                })), new HealthCheck("log", () -> {
                    throw new IllegalStateException("no log");
                }));
        HealthEndpoints.Answer answer = broken.answer("/healthz", true, List.of()).join();
        assertThat(answer.body()).isEqualTo("[+]ping ok\n[-]etcd failed: reason withheld\n[-]log failed: reason withheld\nhealthz check failed\n");
        assertThat(answer.failures()).containsExactly("etcd: store unreachable", "log: no log");
    }
}
