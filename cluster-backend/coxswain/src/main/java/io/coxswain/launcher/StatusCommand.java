package io.coxswain.launcher;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code coxswain status} ({@code ./coxswain status}): what a local all-in-one runs. Its process (and the supervisor
 * of {@code ./coxswain up}), how long it has been up, the API's address and {@code /readyz?verbose}, the components
 * it started (from {@link ComponentsFile}), the nodes and whether they are Ready, and the kubeconfig. Exit code 0 when
 * it runs and the API and every node are ready, 1 when it runs with something not ready, 3 when it does not run (as
 * {@code systemctl status} says "not running").
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show what a local Coxswain runs: its process, the API's readiness, the components, the nodes, the kubeconfig.")
final class StatusCommand implements Callable<Integer> {

    static final int NOT_RUNNING = 3;

    @Option(names = "--data-dir", defaultValue = "${sys:user.home}/.coxswain", description = "the all-in-one's data directory (default ${DEFAULT-VALUE})")
    Path dataDir;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Optional<ProcessHandle> allInOne = live("coxswain.pid");
        if (allInOne.isEmpty()) {
            out.println("coxswain:   not running (no live all-in-one recorded in " + dataDir + "); start it with ./coxswain up");
            return NOT_RUNNING;
        }
        ProcessHandle process = allInOne.get();
        String uptime = process.info().startInstant().map(t -> ", up " + format(Duration.between(t, Instant.now()))).orElse("");
        out.println("coxswain:   running, all-in-one pid " + process.pid()
                + live("supervisor.pid").map(s -> " (supervised by pid " + s.pid() + ")").orElse("") + uptime);
        Path kubeconfig = dataDir.resolve("kubeconfig");
        if (!Files.isRegularFile(kubeconfig)) {
            out.println("kubeconfig: none yet in " + dataDir + ": the all-in-one is still starting");
            return 1;
        }
        Config config = Config.fromKubeconfig(null, kubeconfig.toFile());
        config.setRequestTimeout(5_000);
        config.setConnectionTimeout(3_000);
        config.setRequestRetryBackoffLimit(0);
        String server = config.getMasterUrl().replaceAll("/$", "");
        out.println("address:    " + server);
        out.println("kubeconfig: " + kubeconfig);
        boolean healthy;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            healthy = api(client, server);
            components();
            healthy &= nodes(client);
        }
        return healthy ? 0 : 1;
    }

    /** {@code /readyz?verbose}: "ready", or the checks that failed. */
    private boolean api(KubernetesClient client, String server) {
        try {
            var http = client.getHttpClient();
            HttpResponse<String> readyz = http.sendAsync(http.newHttpRequestBuilder()
                    .uri(server + "/readyz?verbose").build(), String.class)
                    .get(10, TimeUnit.SECONDS);
            List<String> failed = readyz.body().lines().filter(l -> l.startsWith("[-]")).toList();
            if (readyz.code() == 200) {
                long passed = readyz.body().lines().filter(l -> l.startsWith("[+]")).count();
                out.println("API:        ready" + (passed > 0 ? " (" + passed + " checks passed)" : ""));
                return true;
            }
            out.println("API:        not ready (" + readyz.code() + ")" + (failed.isEmpty() ? "" : ": " + String.join(", ", failed)));
        } catch (Exception e) {
            out.println("API:        does not answer: " + RootCause.describe(e));
        }
        return false;
    }

    private void components() throws java.io.IOException {
        Map<String, String> states = ComponentsFile.read(dataDir);
        if (states.isEmpty()) {
            out.println("components: none recorded yet");
        }
        boolean first = true;
        for (var state : states.entrySet()) {
            out.println((first ? "components: " : "            ") + state.getKey() + ": " + state.getValue());
            first = false;
        }
    }

    private boolean nodes(KubernetesClient client) {
        List<Node> nodes;
        try {
            nodes = client.nodes().list().getItems();
        } catch (KubernetesClientException e) {
            out.println("nodes:      cannot list them: " + RootCause.describe(e));
            return false;
        }
        long ready = nodes.stream().filter(StatusCommand::ready).count();
        out.println("nodes:      " + ready + " of " + nodes.size() + " Ready" + (nodes.isEmpty() ? "" : ":"));
        for (Node node : nodes) {
            String condition = node.getStatus() == null || node.getStatus().getConditions() == null ? "no status yet"
                    : node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                    .map(c -> "True".equals(c.getStatus()) ? "Ready" : "NotReady" + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"))
                    .findFirst().orElse("no Ready condition yet");
            out.println("              " + node.getMetadata().getName() + "  " + condition);
        }
        return !nodes.isEmpty() && ready == nodes.size();
    }

    private static boolean ready(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch((NodeCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Optional<ProcessHandle> live(String pidFile) {
        Path file = dataDir.resolve(pidFile);
        try {
            return Files.isRegularFile(file) ? ProcessHandle.of(Long.parseLong(Files.readString(file).strip())).filter(ProcessHandle::isAlive)
                    : Optional.empty();
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

}
