package io.coxswain.tests.ha;

import io.coxswain.tests.cluster.JarProcess;
import io.coxswain.store.EtcdServer;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults in the HA topology of README.md's "Team cluster": three etcd members, two apiservers over them, two
 * controller-managers and two schedulers with leader election, and hollow kubelets given both apiservers. Every
 * process is real and on loopback; each fault is a SIGKILL to a process this test started.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaFaultTest {

    private static final int LEASE_SECONDS = 4;

    private static Path dir;
    private static HaControlPlane plane;
    private static JarProcess hollow;

    @BeforeAll
    static void start() throws Exception {
        assertThat(ApiServerProcess.jar()).as("the launcher jar is built before the tests module").exists();
        dir = Files.createTempDirectory("ha-fault-");
        plane = HaControlPlane.start(dir);
        // two hollow nodes whose kubelet is given both apiservers, the first one first
        hollow = JarProcess.start(dir, "kubelet-hollow", "hollow nodes", concat(new String[]{"kubelet", "--runtime", "hollow",
                "--nodes", "2", "--node-name-prefix", "ha", "--node-status-update-frequency", "1"}, plane.componentArgs()));
        System.out.println("HA control plane: etcd " + plane.etcd.endpoints() + ", apiservers " + plane.urls);
    }

    /**
     * A namespace with its default ServiceAccount, which the ServiceAccount admission needs before any pod: made here,
     * since the first test runs no controller-manager and the others may have just killed the leading one (the
     * serviceaccount controller, when it runs, finds it there).
     */
    static void createNamespace(KubernetesClient client, String ns) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        try {
            client.serviceAccounts().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                    .withNewMetadata().withName("default").endMetadata().build()).create();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (hollow != null) {
            hollow.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    @Order(1)
    void clientsKubeletsAndWatchesMoveToTheOtherApiserverWhenOneIsKilled() throws Exception {
        String ns = "ha-watch";
        try (KubernetesClient failover = plane.failoverClient(); KubernetesClient survivor = plane.client(1)) {
            createNamespace(survivor, ns);
            Pod before = survivor.pods().inNamespace(ns).resource(hollowPod("before", "ha-0")).create();
            awaitRunning(survivor, ns, before.getMetadata().getName());

            // a watch through the failover client, on apiserver-0 until it dies
            String from = failover.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
            List<ConfigMap> events = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicLong lastEventAt = new AtomicLong();
            ConcurrentLinkedQueue<Long> eventTimes = new ConcurrentLinkedQueue<>();
            Watch watch = failover.configMaps().inNamespace(ns).withResourceVersion(from).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, ConfigMap cm) {
                    if (action == Action.ADDED) {
                        events.add(cm);
                        eventTimes.add(System.nanoTime());
                        lastEventAt.set(System.nanoTime());
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    System.out.println("watch closed: " + cause);
                }
            });
            try {
                int total = 200;
                int killAt = 60;
                List<String> acked = new ArrayList<>();
                long killedAt = 0;
                for (int i = 0; i < total; i++) {
                    if (i == killAt) {
                        awaitTrue(() -> events.size() >= killAt, Duration.ofSeconds(20), "the watch to see the first writes");
                        killedAt = System.nanoTime();
                        plane.apiservers.get(0).kill();
                        System.out.println("killed apiserver-0 (" + plane.urls.get(0) + ") after " + killAt + " writes");
                    }
                    survivor.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
                            .endMetadata().withData(Map.of("n", String.valueOf(i))).build()).create();
                    acked.add("cm-" + i);
                }
                awaitTrue(() -> events.size() >= total, Duration.ofSeconds(30), "the watch to see all " + total + " writes");
                final long killed = killedAt;
                long firstAfter = eventTimes.stream().filter(t -> t > killed).findFirst().orElseThrow();

                List<String> seen = events.stream().map(cm -> cm.getMetadata().getName()).toList();
                List<Long> rvs = events.stream().map(cm -> Long.parseLong(cm.getMetadata().getResourceVersion())).toList();
                assertThat(seen).as("every write seen once, in order").containsExactlyElementsOf(acked);
                for (int i = 1; i < rvs.size(); i++) {
                    assertThat(rvs.get(i)).as("resourceVersions increase").isGreaterThan(rvs.get(i - 1));
                }
                assertThat(new HashSet<>(seen)).hasSize(total);
                System.out.printf("watch failover: %d ADDED events, 0 missed, 0 duplicated, resourceVersions %d..%d increasing;"
                        + " first event after the kill %.0f ms after it%n", seen.size(), rvs.get(0), rvs.get(rvs.size() - 1),
                        (firstAfter - killedAt) / 1e6);
                System.out.println("verified: a watch through the failover client resumed on apiserver-1 from its resourceVersion without missed events");

                // the failover client's plain requests go to the survivor too
                assertThat(failover.configMaps().inNamespace(ns).list().getItems()).hasSize(total);
                System.out.println("verified: the failover client's requests go to apiserver-1");

                // kubectl, given the other URL
                Process kubectl = new ProcessBuilder("kubectl", "--kubeconfig=" + plane.kubeconfig(), "--server=" + plane.urls.get(1), "get", "configmaps", "-n", ns,
                        "--no-headers", "-o", "name").redirectErrorStream(true).start();
                kubectl.getOutputStream().close();
                String out = new String(kubectl.getInputStream().readAllBytes());
                assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(out.lines().filter(l -> l.startsWith("configmap/cm-")).count()).as(out).isEqualTo(total);
                System.out.println("verified: kubectl --server " + plane.urls.get(1) + " sees all " + total + " ConfigMaps");

                // the kubelet: its node keeps its Lease, and it runs a pod bound after the kill
                ZonedDateTime renewedBefore = lease(survivor, "kube-node-lease", "ha-0").getSpec().getRenewTime();
                Pod after = survivor.pods().inNamespace(ns).resource(hollowPod("after", "ha-1")).create();
                long runningMs = awaitRunning(survivor, ns, after.getMetadata().getName());
                awaitTrue(() -> lease(survivor, "kube-node-lease", "ha-0").getSpec().getRenewTime().isAfter(renewedBefore),
                        Duration.ofSeconds(10), "the node's Lease to be renewed through apiserver-1");
                assertThat(hollow.output(0)).contains("apiserver failover: " + plane.urls.get(0));
                System.out.printf("kubelet failover: pod bound after the kill Running in %d ms; node Lease renewed through apiserver-1%n", runningMs);
                System.out.println("verified: the hollow kubelet moved to apiserver-1 (Lease renewals, pod watch, status updates)");
            } finally {
                watch.close();
            }
            // back to two apiservers, on the same port
            plane.apiservers.get(0).start("apiserver listening");
        }
    }

    @Test
    @Order(2)
    void theStandbyControllerManagerAndSchedulerTakeOverAndNoPodIsCreatedTwice() throws Exception {
        String ns = "ha-rs";
        List<JarProcess> managers = new ArrayList<>();
        List<JarProcess> schedulers = new ArrayList<>();
        // two of each on one machine: each its own metrics port
        String[] timing = {"--leader-elect", "--leader-elect-lease-duration", String.valueOf(LEASE_SECONDS),
                "--leader-elect-renew-deadline", "3", "--leader-elect-retry-period", "1", "--metrics-bind-address", "127.0.0.1:0"};
        try (KubernetesClient client = plane.failoverClient()) {
            for (int i = 0; i < 2; i++) {
                managers.add(JarProcess.start(dir, "controller-manager-" + i, "is waiting for the lease",
                        concat(concat(new String[]{"controller-manager"}, plane.componentArgs()), timing)));
                schedulers.add(JarProcess.start(dir, "scheduler-" + i, "is waiting for the lease",
                        concat(concat(new String[]{"scheduler"}, plane.componentArgs()), timing)));
            }
            createNamespace(client, ns);
            Set<String> created = ConcurrentHashMap.newKeySet();
            AtomicInteger adds = new AtomicInteger();
            Watch watch = client.pods().inNamespace(ns).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    if (action == Action.ADDED) {
                        adds.incrementAndGet();
                        created.add(pod.getMetadata().getName());
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            });
            try {
                ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).resource(replicaSet("web", 6)).create();
                awaitTrue(() -> running(client, ns) == 6, Duration.ofSeconds(60), "6 pods Running");

                String cmLeader = holder(client, "kube-controller-manager");
                String schedLeader = holder(client, "kube-scheduler");
                JarProcess cm = byIdentity(managers, "controller-manager ", cmLeader);
                JarProcess sched = byIdentity(schedulers, "scheduler ", schedLeader);
                long killedAt = System.nanoTime();
                cm.kill();
                sched.kill();
                System.out.println("killed the leading controller-manager " + cm.name + " and scheduler " + sched.name);
                client.apps().replicaSets().inNamespace(ns).withName(rs.getMetadata().getName()).scale(12);

                long cmTook = awaitNewHolder(client, "kube-controller-manager", cmLeader, killedAt);
                long schedTook = awaitNewHolder(client, "kube-scheduler", schedLeader, killedAt);
                awaitTrue(() -> running(client, ns) == 12, Duration.ofSeconds(60), "12 pods Running");
                long allRunningMs = (System.nanoTime() - killedAt) / 1_000_000;
                Thread.sleep(2 * LEASE_SECONDS * 1000L); // room for a duplicate to show up
                List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
                System.out.printf("leader failover: controller-manager standby leads %d ms and scheduler standby %d ms after the kill"
                        + " (lease %d s); 12/12 Running %d ms after it; pods created in all %d, ADDED events %d%n",
                        cmTook, schedTook, LEASE_SECONDS, allRunningMs, created.size(), adds.get());
                long limit = (LEASE_SECONDS + 2) * 1000L;
                assertThat(cmTook).isLessThan(limit);
                assertThat(schedTook).isLessThan(limit);
                assertThat(pods).hasSize(12);
                assertThat(pods).allMatch(p -> p.getMetadata().getDeletionTimestamp() == null);
                assertThat(created).as("no pod was created twice, none deleted").hasSize(12);
                assertThat(adds.get()).isEqualTo(12);
                assertThat(client.apps().replicaSets().inNamespace(ns).withName("web").get().getStatus().getReplicas()).isEqualTo(12);
                System.out.println("verified: the standby controller-manager and scheduler took over within the lease time (+ retry period)");
                System.out.println("verified: the ReplicaSet's pod count stayed exact: 12 pods created for 12 replicas, none twice");
            } finally {
                watch.close();
            }
        } finally {
            for (JarProcess p : managers) {
                p.close();
            }
            for (JarProcess p : schedulers) {
                p.close();
            }
        }
    }

    @Test
    @Order(3)
    void killingTheLeadingEtcdMemberDuring1000ConcurrentWritesLosesNoAcknowledgedWrite() throws Exception {
        String ns = "ha-etcd";
        int total = 1000;
        try (KubernetesClient client = plane.client(1)) {
            createNamespace(client, ns);
        }
        // the connect timeout covers the TLS handshake too, and a thousand of those at once take a while on two cores
        HttpClient http = io.coxswain.tests.cluster.AdminHttp.of(plane.kubeconfig()).httpBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        Map<String, Long> ackedAt = new ConcurrentHashMap<>();
        Set<String> writtenByALostAck = ConcurrentHashMap.newKeySet();
        AtomicInteger failedAttempts = new AtomicInteger();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstAckOfAWriteSentAfterTheKill = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch enoughBeforeKill = new CountDownLatch(200);
        EtcdServer leader = plane.etcd.awaitLeader(Duration.ofSeconds(10));
        List<CompletableFuture<Void>> writes = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        // IN_FLIGHT at a time, each on a connection of its own: a thousand TLS handshakes at once would measure those
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(IN_FLIGHT);
        Thread submitter = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                String name = "w-" + i;
                String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"n\":\"" + i + "\"}}";
                String url = plane.urls.get(i % 2) + "/api/v1/namespaces/" + ns + "/configmaps";
                inFlight.acquireUninterruptibly();
                CompletableFuture<Void> write = write(http, url, body, name, 0, ackedAt, writtenByALostAck, failedAttempts, killedAt,
                        firstAckOfAWriteSentAfterTheKill, enoughBeforeKill);
                write.whenComplete((x, e) -> inFlight.release());
                writes.add(write);
            }
        }, "ha-etcd-writes");
        submitter.start();
        assertThat(enoughBeforeKill.await(60, TimeUnit.SECONDS)).as("200 writes acknowledged before the kill (%d acknowledged, %d failed attempts, the last: %s)",
                ackedAt.size(), failedAttempts.get(), LAST_FAILURE.get()).isTrue();
        killedAt.set(System.nanoTime());
        int ackedBeforeKill = ackedAt.size();
        leader.kill();
        System.out.printf("killed the etcd leader %s (pid %d) with %d of %d writes acknowledged%n", leader.name(), leader.pid(), ackedBeforeKill, total);
        submitter.join(120_000);
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long doneMs = (System.nanoTime() - started) / 1_000_000;

        List<Long> times = ackedAt.values().stream().sorted().toList();
        long longestGap = 0;
        for (int i = 1; i < times.size(); i++) {
            longestGap = Math.max(longestGap, times.get(i) - times.get(i - 1));
        }
        long resumeMs = (firstAckOfAWriteSentAfterTheKill.get() - killedAt.get()) / 1_000_000;
        EtcdServer newLeader = plane.etcd.awaitLeader(Duration.ofSeconds(10));
        // every acknowledged write is there, through either apiserver
        for (int s = 0; s < 2; s++) {
            try (KubernetesClient client = plane.client(s)) {
                Map<String, String> stored = new java.util.HashMap<>();
                for (ConfigMap cm : client.configMaps().inNamespace(ns).list().getItems()) {
                    stored.put(cm.getMetadata().getName(), cm.getData().get("n"));
                }
                for (String name : ackedAt.keySet()) {
                    assertThat(stored.get(name)).as(name + " via apiserver-" + s).isEqualTo(name.substring(2));
                }
                assertThat(stored).hasSize(total);
            }
        }
        System.out.printf("etcd leader failover: %d writes, " + IN_FLIGHT + " in flight at a time; %d acknowledged (%d before the kill), %d written but the"
                        + " acknowledgement lost (409 on retry), %d failed attempts retried; new leader %s; the first write sent after the"
                        + " kill was acknowledged %d ms after it; longest gap between acknowledgements %.0f ms; all done in %d ms%n",
                total, ackedAt.size(), ackedBeforeKill, writtenByALostAck.size(), failedAttempts.get(), newLeader.name(), resumeMs,
                longestGap / 1e6, doneMs);
        assertThat(newLeader).isNotSameAs(leader);
        assertThat(resumeMs).as("writes resume within 5 s").isLessThan(5000);
        assertThat(longestGap / 1_000_000).isLessThan(5000);
        System.out.println("verified: no acknowledged write was lost (all " + ackedAt.size() + " read back through both apiservers)");
        System.out.println("verified: writes resumed within 5 s of the etcd leader's SIGKILL (" + resumeMs + " ms)");
    }

    /** Writes in flight at once in the etcd leader test. */
    private static final int IN_FLIGHT = 100;

    /** The latest failed attempt's error, for the message of a failure. */
    private static final java.util.concurrent.atomic.AtomicReference<String> LAST_FAILURE = new java.util.concurrent.atomic.AtomicReference<>();

    /** One create, retried until it is acknowledged (201) or found written by an attempt whose answer was lost (409). */
    private static CompletableFuture<Void> write(HttpClient http, String url, String body, String name, int attempt,
                                                 Map<String, Long> ackedAt, Set<String> lostAck, AtomicInteger failed, AtomicLong killedAt,
                                                 AtomicLong firstAfterKill, CountDownLatch acks) {
        long sentAt = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
            if (e == null && r.statusCode() == 201) {
                long now = System.nanoTime();
                ackedAt.put(name, now);
                if (sentAt > killedAt.get()) {
                    firstAfterKill.accumulateAndGet(now, Math::min);
                }
                acks.countDown();
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (e == null && r.statusCode() == 409 && attempt > 0) {
                lostAck.add(name);
                return CompletableFuture.<Void>completedFuture(null);
            }
            failed.incrementAndGet();
            LAST_FAILURE.set(e != null ? String.valueOf(e) : r.statusCode() + " " + r.body());
            if (attempt >= 100) {
                return CompletableFuture.<Void>failedFuture(new AssertionError(name + " was never written: "
                        + (e != null ? e : r.statusCode() + " " + r.body())));
            }
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> write(http, url, body, name, attempt + 1, ackedAt, lostAck, failed, killedAt, firstAfterKill, acks));
        }).thenCompose(f -> f);
    }

    static Pod hollowPod(String name, String node) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
                .addNewContainer().withName("c").withImage("coxswain/pause:1").endContainer().endSpec().build();
    }

    private static ReplicaSet replicaSet(String name, int replicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("coxswain/pause:1").endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    private static long running(KubernetesClient client, String ns) {
        return client.pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
    }

    private static long awaitRunning(KubernetesClient client, String ns, String name) throws InterruptedException {
        long from = System.nanoTime();
        awaitTrue(() -> {
            Pod p = client.pods().inNamespace(ns).withName(name).get();
            return p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
        }, Duration.ofSeconds(30), "pod " + name + " Running");
        return (System.nanoTime() - from) / 1_000_000;
    }

    private static Lease lease(KubernetesClient client, String ns, String name) {
        return client.leases().inNamespace(ns).withName(name).get();
    }

    private static String holder(KubernetesClient client, String lease) throws InterruptedException {
        String[] holder = new String[1];
        awaitTrue(() -> {
            Lease l = lease(client, "kube-system", lease);
            holder[0] = l == null ? null : l.getSpec().getHolderIdentity();
            return holder[0] != null && !holder[0].isEmpty();
        }, Duration.ofSeconds(30), "a holder of " + lease);
        return holder[0];
    }

    private static long awaitNewHolder(KubernetesClient client, String lease, String old, long since) throws InterruptedException {
        awaitTrue(() -> {
            Lease l = lease(client, "kube-system", lease);
            String h = l == null ? null : l.getSpec().getHolderIdentity();
            return h != null && !h.isEmpty() && !h.equals(old);
        }, Duration.ofSeconds(30), "a new holder of " + lease);
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static JarProcess byIdentity(List<JarProcess> processes, String prefix, String identity) throws java.io.IOException {
        for (JarProcess p : processes) {
            if (identity.equals(p.find(prefix, " is waiting for the lease"))) {
                return p;
            }
        }
        throw new AssertionError("no process has the identity " + identity);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // a request that failed while a component moves: ask again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
