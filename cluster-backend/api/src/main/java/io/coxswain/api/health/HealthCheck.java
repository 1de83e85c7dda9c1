package io.coxswain.api.health;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One named check of {@code /healthz}, {@code /livez} or {@code /readyz}: its probe completes normally when healthy
 * and exceptionally, with the reason, when not.
 */
public record HealthCheck(String name, Supplier<CompletableFuture<?>> probe) {

    /** kube's {@code ping}: the server answers at all. */
    public static HealthCheck ping() {
        return new HealthCheck("ping", () -> CompletableFuture.completedFuture(null));
    }

    /** A check of a state already known: healthy while {@code healthy} says so, else failed with {@code reason}. */
    public static HealthCheck of(String name, BooleanSupplier healthy, String reason) {
        return new HealthCheck(name, () -> healthy.getAsBoolean() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException(reason)));
    }

    /** Runs the probe; a probe that throws has failed, as one that completes exceptionally. */
    CompletableFuture<?> run() {
        try {
            return probe.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
