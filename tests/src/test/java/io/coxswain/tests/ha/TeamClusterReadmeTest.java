package io.coxswain.tests.ha;

import io.coxswain.tests.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.coxswain.tests.ha.HaFaultTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's "Team cluster" as a person follows it: its Start, Check and Stop blocks, run as they are written with
 * bash from the repository's root ({@code $TEAM} a temporary directory), then a failover the section describes.
 */
class TeamClusterReadmeTest {

    @TempDir
    Path team;

    @Test
    void theReadmesTeamClusterStartsAnHaControlPlaneThatFailsOver() throws Exception {
        String readme = Files.readString(SharedFiles.projectRoot().resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Team cluster"));
        String start = block(section, "### Start");
        String join = block(section, "The README's test adds a second node");
        String check = block(section, "### Check");
        String stop = block(section, "### Stop");
        try {
            long started = System.nanoTime();
            bash("start", start, Duration.ofMinutes(3));
            bash("add-a-machine", join, Duration.ofMinutes(1));
            String checked = bash("check", check, Duration.ofMinutes(4));
            long readyMs = (System.nanoTime() - started) / 1_000_000;
            System.out.println(checked.strip());
            assertThat(checked).contains("node/team-node condition met");
            assertThat(checked).as("the second node joined through coxswain node").contains("node/team-node-2 condition met")
                    .containsPattern("system:bootstrap:[a-z0-9]{6}\\s+\\S*\\s*Approved,Issued");
            assertThat(checked).contains("kube-controller-manager").contains("kube-scheduler");
            assertThat(checked).containsPattern("hello-pod\\s+1/1\\s+Running");
            System.out.printf("team cluster: 3 etcd members, 2 apiservers, 2+2 elected components and a Docker kubelet; a pod Ready %d ms after Start%n", readyMs);

            // the failover the section describes
            long apiserver = Long.parseLong(Files.readString(team.resolve("apiserver-7443.pid")).strip());
            ProcessHandle handle = ProcessHandle.of(apiserver).orElseThrow();
            long killedAt = System.nanoTime();
            handle.destroyForcibly();
            handle.onExit().get(20, TimeUnit.SECONDS);
            Files.delete(team.resolve("apiserver-7443.pid")); // it is gone: the Stop block must not signal a PID it no longer owns
            Path kubeletLog = team.resolve("kubelet.log");
            awaitTrue(() -> read(kubeletLog).contains("apiserver failover: https://127.0.0.1:7443 is unreachable; now using https://127.0.0.1:7444"),
                    Duration.ofSeconds(60), "the kubelet to fail over to 7444");
            System.out.printf("team cluster: the kubelet failed over %d ms after the apiserver on 7443 was killed%n",
                    (System.nanoTime() - killedAt) / 1_000_000);
            String other = bash("kubectl-7444", "kubectl --kubeconfig \"$TEAM/kubeconfig\" --server https://127.0.0.1:7444 get pods", Duration.ofMinutes(1));
            assertThat(other).containsPattern("hello-pod\\s+1/1\\s+Running");
            System.out.println("verified: the README's Team cluster blocks start a 3-member etcd, 2-apiserver, leader-elected control plane that runs a pod");
            System.out.println("verified: after kill -9 of the apiserver on 7443 the kubelet uses 7444, and kubectl --server 7444 answers");
        } finally {
            try {
                long stopping = System.nanoTime();
                List<String> exits = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                try (Stream<Path> pids = Files.list(team)) {
                    for (Path f : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
                        String component = f.getFileName().toString().replace(".pid", "");
                        ProcessHandle.of(Long.parseLong(Files.readString(f).strip())).ifPresent(h -> h.onExit().thenRun(() ->
                                exits.add(component + " " + (System.nanoTime() - stopping) / 1_000_000 + " ms")));
                    }
                }
                bash("stop", stop, Duration.ofMinutes(2));
                System.out.printf("team cluster: the Stop block took %d ms; each stopped after %s%n", (System.nanoTime() - stopping) / 1_000_000, exits);
            } finally {
                // anything the Stop block left: only the processes whose PIDs the Start block recorded
                try (Stream<Path> pids = Files.list(team)) {
                    for (Path f : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
                        ProcessHandle.of(Long.parseLong(Files.readString(f).strip())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
        }
    }

    /** The first ```sh block after {@code heading}. */
    private static String block(String text, String heading) {
        int at = text.indexOf(heading);
        assertThat(at).as("README's Team cluster has " + heading).isNotNegative();
        int open = text.indexOf("```sh\n", at);
        int close = text.indexOf("\n```", open + 6);
        return text.substring(open + 6, close + 1);
    }

    private String bash(String name, String script, Duration timeout) throws IOException, InterruptedException {
        Path out = team.resolve("readme-" + name + ".out");
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(SharedFiles.projectRoot().toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("TEAM", team.toString());
        pb.environment().remove("KUBECONFIG");
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the README's " + name + " block did not finish in " + timeout + ":\n" + read(out) + logs());
        }
        String printed = read(out);
        if (p.exitValue() != 0) {
            throw new AssertionError("the README's " + name + " block exited with " + p.exitValue() + ":\n" + printed + logs());
        }
        return printed;
    }

    private String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(team)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                all.append("\n--- ").append(f.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
        }
        return all.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
