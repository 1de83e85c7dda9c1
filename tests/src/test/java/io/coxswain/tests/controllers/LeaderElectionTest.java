package io.coxswain.tests.controllers;

import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two controller-manager processes from the built jar with --leader-elect: one holds kube-system/kube-controller-manager
 * and runs the controllers, the other waits; when the leader is killed (SIGKILL, no release), the other takes over
 * within the lease duration.
 */
class LeaderElectionTest {

    private static final int LEASE_SECONDS = 6;

    @TempDir
    Path dir;

    @Test
    void theStandbyTakesOverWhenTheLeaderIsKilled() throws Exception {
        assertThat(ApiServerProcess.jar()).as("the launcher jar is built before the tests module").exists();
        try (TestCluster cluster = TestCluster.embedded(dir.resolve("cluster"));
             KubernetesClient client = cluster.newClient()) {
            try (Managers m = Managers.start(cluster, dir.resolve("killed"))) {
                List<Process> managers = m.processes();
                List<Path> logs = m.logs();
                Lease lease = awaitHolder(client, null, Duration.ofSeconds(60));
                String first = lease.getSpec().getHolderIdentity();
                int leader = m.indexOf(first);
                assertThat(identityOf(logs.get(leader))).isEqualTo(first);
                Thread.sleep(3000);
                assertThat(leads(logs.get(leader))).isTrue();
                if (leads(logs.get(1 - leader))) {
                    // a leader that missed its renew deadline (a loaded machine) stops leading, and the standby may then take
                    // the lease: never two at once, so the first must have said it stopped before the standby acts
                    assertThat(Files.readString(logs.get(leader))).as("the standby acts only once the leader stopped leading")
                            .contains("stopped leading kube-controller-manager");
                    System.out.println("leader election: the first leader missed its renew deadline and stopped leading; the standby took over");
                    first = awaitHolder(client, null, Duration.ofSeconds(60)).getSpec().getHolderIdentity();
                    leader = m.indexOf(first);
                }

                long killedAt = System.nanoTime();
                managers.get(leader).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Lease next = awaitHolder(client, first, Duration.ofSeconds(60));
                long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("leader election: the standby took over %d ms after the leader was killed (lease %d s)%n", tookMs, LEASE_SECONDS);
                assertThat(next.getSpec().getHolderIdentity()).isEqualTo(identityOf(logs.get(1 - leader)));
                assertThat(tookMs).isLessThan((LEASE_SECONDS + 4) * 1000L);
                awaitLog(logs.get(1 - leader), "is the leader of kube-controller-manager", Duration.ofSeconds(10));
            }
        }
    }

    /**
     * A leader that misses its renew deadline (here: stopped with SIGSTOP past the lease) stops leading when it runs
     * again, and then competes as a standby: when the new leader dies, it leads again.
     */
    @Test
    void aLeaderThatLostItsLeaseCompetesAgain() throws Exception {
        try (TestCluster cluster = TestCluster.embedded(dir.resolve("cluster-2"));
             KubernetesClient client = cluster.newClient()) {
            try (Managers m = Managers.start(cluster, dir.resolve("stopped"))) {
                List<Process> managers = m.processes();
                List<Path> logs = m.logs();
                String first = awaitHolder(client, null, Duration.ofSeconds(60)).getSpec().getHolderIdentity();
                int leader = m.indexOf(first);
                awaitLog(logs.get(leader), "is the leader of kube-controller-manager", Duration.ofSeconds(10));
                signal("STOP", managers.get(leader));
                String second = awaitHolder(client, first, Duration.ofSeconds(60)).getSpec().getHolderIdentity();
                signal("CONT", managers.get(leader));
                awaitLog(logs.get(leader), "stopped leading kube-controller-manager", Duration.ofSeconds(30));
                awaitLog(logs.get(leader), "competes again", Duration.ofSeconds(30));
                managers.get(1 - leader).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                String third = awaitHolder(client, second, Duration.ofSeconds(60)).getSpec().getHolderIdentity();
                assertThat(third).isEqualTo(first);
                assertThat(Files.readString(logs.get(leader)).split("is the leader of kube-controller-manager", -1)).hasSize(3);
                System.out.println("leader election: a leader stopped past its lease lost it to the standby, stopped leading when it ran"
                        + " again, competed again, and led again when the standby was killed");
            }
        }
    }

    /** Two controller-managers with leader election against one cluster, each with its log; closing kills both. */
    private record Managers(List<Process> processes, List<Path> logs) implements AutoCloseable {

        static Managers start(TestCluster cluster, Path logPrefix) throws java.io.IOException {
            List<Process> processes = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path log = logPrefix.resolveSibling(logPrefix.getFileName() + "-cm-" + i + ".log");
                logs.add(log);
                processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                        ApiServerProcess.jar().toString(), "controller-manager", "--kubeconfig", cluster.kubeconfig().toString(),
                        "--leader-elect", "--metrics-bind-address", "127.0.0.1:0",
                        "--leader-elect-lease-duration", String.valueOf(LEASE_SECONDS), "--leader-elect-renew-deadline", "4",
                        "--leader-elect-retry-period", "1").redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            return new Managers(processes, logs);
        }

        /** Which of the two has this identity. */
        int indexOf(String identity) throws Exception {
            return identityOf(logs.get(0)).equals(identity) ? 0 : 1;
        }

        @Override
        public void close() throws InterruptedException {
            for (Process p : processes) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** kill -SIG on a process this test started, by its PID. */
    private static void signal(String signal, Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private static Lease awaitHolder(KubernetesClient client, String notThis, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Lease l = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
            if (l != null && l.getSpec().getHolderIdentity() != null && !l.getSpec().getHolderIdentity().isEmpty()
                    && !l.getSpec().getHolderIdentity().equals(notThis)) {
                return l;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no new holder of kube-system/kube-controller-manager within " + timeout);
    }

    private static String identityOf(Path log) throws Exception {
        awaitLog(log, "is waiting for the lease", Duration.ofSeconds(60));
        for (String line : Files.readAllLines(log)) {
            // a log line: time, level, [component], then "controller-manager <identity> is waiting for the lease"
            int at = line.indexOf("] controller-manager ");
            if (at >= 0 && line.endsWith(" is waiting for the lease")) {
                return line.substring(at + "] controller-manager ".length(), line.length() - " is waiting for the lease".length());
            }
        }
        throw new AssertionError("no identity in " + log);
    }

    private static boolean leads(Path log) throws Exception {
        return Files.readString(log).contains("is the leader of kube-controller-manager");
    }

    private static void awaitLog(Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(log + " never said: " + text + "\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
