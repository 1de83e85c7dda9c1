package io.coxswain.api.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * kube's health endpoints over named checks, answered as k8s.io/apiserver/pkg/server/healthz answers them:
 * {@code /readyz} says {@code ok} (200) when every check passes; with {@code ?verbose} it lists each check
 * ({@code [+]etcd ok}) and ends {@code readyz check passed}; {@code ?exclude=name} skips a check
 * ({@code [+]name excluded: ok}); a failed check makes it 500 with every check listed, the failed ones as
 * {@code [-]name failed: reason withheld} (the endpoint is public; the reason goes to the log), ending
 * {@code readyz check failed}. {@code /readyz/<name>} runs one check: {@code ok}, or 500
 * {@code internal server error: <reason>}.
 */
public final class HealthEndpoints {

    /** What to send: the status code and the plain-text body. */
    public record Answer(int status, String body, List<String> failures) {
    }

    private final Map<String, List<HealthCheck>> endpoints = new LinkedHashMap<>();

    /** Adds an endpoint, e.g. {@code readyz}, with its checks in the order they are listed. */
    public HealthEndpoints endpoint(String name, HealthCheck... checks) {
        endpoints.put(name, List.of(checks));
        return this;
    }

    /** Every path served: {@code /readyz} and {@code /readyz/<check>} for each endpoint. */
    public List<String> paths() {
        List<String> paths = new ArrayList<>();
        endpoints.forEach((name, checks) -> {
            paths.add("/" + name);
            checks.forEach(c -> paths.add("/" + name + "/" + c.name()));
        });
        return paths;
    }

    /**
     * The answer for {@code path}, or null when it is not one of {@link #paths()}.
     *
     * @param verbose  whether the query has {@code verbose}
     * @param excluded the query's {@code exclude} values
     */
    public CompletableFuture<Answer> answer(String path, boolean verbose, List<String> excluded) {
        String[] parts = path.substring(1).split("/", -1);
        List<HealthCheck> checks = endpoints.get(parts[0]);
        if (checks == null || parts.length > 2) {
            return null;
        }
        if (parts.length == 2) {
            return checks.stream().filter(c -> c.name().equals(parts[1])).findFirst().map(HealthEndpoints::single).orElse(null);
        }
        return all(parts[0], checks, verbose, excluded);
    }

    private static CompletableFuture<Answer> single(HealthCheck check) {
        return check.run().handle((v, error) -> error == null ? new Answer(200, "ok", List.of())
                : new Answer(500, "internal server error: " + reason(error) + "\n", List.of(check.name() + ": " + reason(error))));
    }

    private static CompletableFuture<Answer> all(String name, List<HealthCheck> checks, boolean verbose, List<String> excludedNames) {
        Set<String> excluded = new LinkedHashSet<>(excludedNames);
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (HealthCheck check : checks) {
            // the checks run at once; their lines keep the checks' order
            outcomes.add(excluded.remove(check.name()) ? CompletableFuture.completedFuture(null)
                    : check.run().handle((v, error) -> error == null ? "" : reason(error)));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            StringBuilder lines = new StringBuilder();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                String check = checks.get(i).name();
                String failure = outcomes.get(i).join();
                if (failure == null) {
                    lines.append("[+]").append(check).append(" excluded: ok\n");
                } else if (failure.isEmpty()) {
                    lines.append("[+]").append(check).append(" ok\n");
                } else {
                    lines.append("[-]").append(check).append(" failed: reason withheld\n");
                    failures.add(check + ": " + failure);
                }
            }
            if (!excluded.isEmpty()) {
                lines.append("warn: some health checks cannot be excluded: no matches for ")
                        .append(excluded.stream().map(e -> '"' + e + '"').collect(Collectors.joining(","))).append('\n');
            }
            if (!failures.isEmpty()) {
                return new Answer(500, lines + name + " check failed\n", failures);
            }
            return new Answer(200, verbose ? lines + name + " check passed\n" : "ok", List.of());
        });
    }

    private static String reason(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
