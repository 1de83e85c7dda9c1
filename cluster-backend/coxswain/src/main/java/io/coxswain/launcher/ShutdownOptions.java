package io.coxswain.launcher;

import picocli.CommandLine.Option;

import java.time.Duration;

/** How the apiserver ends on SIGTERM: not ready at once, still serving for a delay, then drained. */
final class ShutdownOptions {

    @Option(names = "--shutdown-delay-duration", defaultValue = "1s", converter = GoDuration.class,
            description = "after SIGTERM, how long requests are still served while readyz already fails, "
                    + "so that load balancers and clients move away (default ${DEFAULT-VALUE})")
    Duration delay = Duration.ofSeconds(1);

    @Option(names = "--shutdown-drain-timeout", defaultValue = "30s", converter = GoDuration.class,
            description = "then, how long in-flight requests have to be answered once the server stops accepting and the "
                    + "watches are ended (default ${DEFAULT-VALUE})")
    Duration drainTimeout = Duration.ofSeconds(30);
}
