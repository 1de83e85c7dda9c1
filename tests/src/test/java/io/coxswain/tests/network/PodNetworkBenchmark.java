package io.coxswain.tests.network;

import io.coxswain.network.HostCommands;
import io.coxswain.tests.SharedFiles;
import io.coxswain.tests.bench.BenchSize;
import io.coxswain.tests.bench.FigureTable;
import io.coxswain.tests.bench.PodStartClock;
import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.JarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pod network's cost and the pod start with CNI (issue 17), in one run on the three-host topology of
 * {@link NetnsCluster}:
 * <ol>
 * <li>TCP throughput (a stream from a perl sender into a perl receiver, timed until the receiver has read everything) and round-trip
 * latency ({@code ping -A}: the next echo as soon as the reply is back, every RTT kept) between two pods on one node,
 * two pods on different nodes (the VXLAN overlay), two host processes over loopback (the physical reference) and two
 * host namespaces over a VXLAN device made by hand with {@code ip link} on their underlay addresses (the kernel's
 * encapsulation alone). Every side runs the host's own perl and busybox, in the pod's network namespace through
 * {@code nsenter -n}, so the tools are the same and only the path differs. The paths take turns, round after round,
 * so that the machine's other load falls on all of them alike.</li>
 * <li>Pod start (POST to Running seen by a watch, as {@code PodStartBenchmark}) on a kubelet of this build with CNI,
 * alternating with a kubelet of the last release ({@value #RELEASE}, pods on a Docker bridge network) against the
 * same apiserver. The release's jar is built once from a git worktree of that commit (about 100 s on two busy
 * cores) and cached under {@code tests/target}: at full size the benchmark builds it when it is missing; at CI size
 * it uses the cached jar if there is one, and otherwise alternates with a raw {@code docker run -d}, and says so.</li>
 * </ol>
 * It prints; it asserts only that every measurement succeeded.
 */
@Timeout(value = 1200, unit = TimeUnit.SECONDS)
class PodNetworkBenchmark {

    /** The last release before CNI: pods on the Docker bridge network {@code coxswain-pods}. */
    static final String RELEASE = "4e1d94e";
    private static final String RELEASE_NETWORK = "coxswain-pods";
    private static final int MIBS = BenchSize.of(512, 2048); // a transfer
    private static final int ROUNDS = BenchSize.of(3, 5);
    private static final int PINGS = BenchSize.of(300, 2000); // in all, over the rounds
    private static final int POD_WARMUP = 2;
    private static final int POD_SAMPLES = BenchSize.of(10, 30);
    private static final String BUSYBOX = "/bin/busybox";
    private static final String VXLAN = "cxo-vx";
    private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");

    @TempDir
    Path dir;

    /** Where a side of a measurement runs: the command prefix that enters its network namespace, and its address. */
    record Side(List<String> enter, String ip) {
        List<String> command(String... args) {
            List<String> c = new ArrayList<>(enter);
            c.addAll(List.of(args));
            return c;
        }
    }

    record Route(String name, Side server, Side client) {
    }

    @Test
    void podNetworkAndPodStartAgainstTheLastRelease() throws Exception {
        Path releaseJar = releaseJar();
        try (NetnsCluster cluster = NetnsCluster.start(dir, "a", "b", "c")) {
            try {
                network(cluster);
                podStart(cluster, releaseJar);
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.diagnosis());
                throw e;
            } finally {
                NetnsHosts.ROOT.run("ip", "netns", "exec", cluster.host("a").netns(), "ip", "link", "del", VXLAN);
                NetnsHosts.ROOT.run("ip", "netns", "exec", cluster.host("b").netns(), "ip", "link", "del", VXLAN);
            }
        }
    }

    // ---- the pod network ----

    private void network(NetnsCluster cluster) throws Exception {
        NetnsHosts.Host a = cluster.host("a"), b = cluster.host("b");
        String[] pods = {"net-a1", "net-a2", "net-b1"};
        String[] nodes = {cluster.node(a), cluster.node(a), cluster.node(b)};
        try (PodStartClock clock = new PodStartClock(cluster.client, "default")) {
            for (int i = 0; i < pods.length; i++) {
                clock.start(pods[i], nodes[i]);
            }
        }
        Side a1 = podSide(cluster, pods[0], nodes[0]), a2 = podSide(cluster, pods[1], nodes[1]), b1 = podSide(cluster, pods[2], nodes[2]);
        handMadeVxlan(a, b);
        Side loopback = new Side(List.of(), "127.0.0.1");
        Side vxA = new Side(List.of("ip", "netns", "exec", a.netns()), "192.168.242.1");
        Side vxB = new Side(List.of("ip", "netns", "exec", b.netns()), "192.168.242.2");
        List<Route> routes = List.of(new Route("same node (pod → pod)", a2, a1), new Route("cross node (pod → pod, overlay)", b1, a1),
                new Route("loopback (host → host)", loopback, loopback), new Route("kernel VXLAN by hand (host → host)", vxB, vxA));

        Map<Route, List<Double>> gbits = new LinkedHashMap<>();
        Map<Route, List<Long>> rtts = new LinkedHashMap<>();
        for (Route r : routes) {
            gbits.put(r, new ArrayList<>());
            rtts.put(r, new ArrayList<>());
            ping(r, 5); // ARP and the overlay's first packets, not measured
        }
        int port = 47000 + (int) (ProcessHandle.current().pid() % 1000);
        for (int round = 0; round < ROUNDS; round++) {
            for (Route r : routes) {
                long nanos = transfer(r, port++);
                gbits.get(r).add(MIBS * 8.0 * (1 << 20) / nanos);
                rtts.get(r).addAll(ping(r, PINGS / ROUNDS));
            }
            progress("network round " + (round + 1) + "/" + ROUNDS + ": " + gbits.values().stream().map(l -> String.format("%.2f", l.get(l.size() - 1))).toList() + " Gbit/s");
        }

        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        Route cross = routes.get(1);
        double crossGbit = median(gbits.get(cross));
        long crossP50 = FigureTable.percentile(toArray(rtts.get(cross)), 50), crossP99 = FigureTable.percentile(toArray(rtts.get(cross)), 99);
        for (Route r : routes) {
            Map<String, String> column = new LinkedHashMap<>();
            double g = median(gbits.get(r));
            long[] rtt = toArray(rtts.get(r));
            long p50 = FigureTable.percentile(rtt, 50), p99 = FigureTable.percentile(rtt, 99);
            column.put("TCP throughput, median of " + ROUNDS + " (Gbit/s)", String.format("%.2f", g));
            column.put("TCP throughput, min..max (Gbit/s)", String.format("%.2f..%.2f", gbits.get(r).stream().mapToDouble(d -> d).min().orElseThrow(),
                    gbits.get(r).stream().mapToDouble(d -> d).max().orElseThrow()));
            column.put("RTT p50 (ping -A, " + rtt.length + " echoes)", us(p50));
            column.put("RTT p99", us(p99));
            column.put("cross node's throughput ÷ this", r == cross ? "-" : String.format("%.2f×", crossGbit / g));
            column.put("cross node's RTT p50 ÷ this", r == cross ? "-" : String.format("%.2f×", (double) crossP50 / p50));
            column.put("cross node's RTT p99 ÷ this", r == cross ? "-" : String.format("%.2f×", (double) crossP99 / p99));
            table.put(r.name().substring(0, r.name().indexOf(" (")), column);
        }
        FigureTable.print(String.format("Pod network benchmark (%s; %d cores, shared; %d MiB a transfer, %d rounds, the paths in turn)",
                        BenchSize.label(), Runtime.getRuntime().availableProcessors(), MIBS, ROUNDS), table,
                "Same tools on every path: the host's perl (a TCP stream, 1 MiB writes and reads, timed from connect until the "
                        + "receiver has read all and closed) and busybox ping -A, in the pods' network namespaces through nsenter -n. Pods: MTU 1450 on Coxswain's VXLAN; the hand-made "
                        + "VXLAN (VNI 4242, UDP 4799) joins hosts a and b over the same underlay bridge. Issue 17: the overlay "
                        + "should cost no more than the kernel's VXLAN encapsulation, i.e. the cross-node ÷ kernel-VXLAN ratios near 1×.");
    }

    /** The pod's sandbox's network namespace, entered through its process. */
    private static Side podSide(NetnsCluster cluster, String pod, String node) throws IOException, InterruptedException {
        String sandbox = DockerNode.docker("ps", "-q", "--filter", "label=io.kubernetes.pod.name=" + pod,
                "--filter", "label=io.kubernetes.docker.type=podsandbox", "--filter", "label=io.coxswain.node=" + node);
        assertThat(sandbox).as("the sandbox of " + pod).isNotBlank();
        String pid = DockerNode.docker("inspect", "-f", "{{.State.Pid}}", sandbox.lines().findFirst().orElseThrow());
        return new Side(List.of("nsenter", "-t", pid, "-n"), cluster.awaitRunning(pod).getStatus().getPodIP());
    }

    /** A VXLAN between hosts a and b without Coxswain: the encapsulation alone, on their underlay addresses. */
    private static void handMadeVxlan(NetnsHosts.Host a, NetnsHosts.Host b) {
        for (NetnsHosts.Host[] pair : new NetnsHosts.Host[][]{{a, b}, {b, a}}) {
            HostCommands in = HostCommands.inNetns(pair[0].netns());
            in.check("ip", "link", "add", VXLAN, "type", "vxlan", "id", "4242", "local", pair[0].underlayIp(), "remote",
                    pair[1].underlayIp(), "dev", "eth0", "dstport", "4799");
            in.check("ip", "addr", "add", (pair[0] == a ? "192.168.242.1" : "192.168.242.2") + "/24", "dev", VXLAN);
            in.check("ip", "link", "set", VXLAN, "up");
        }
    }

    /**
     * A TCP stream of {@link #MIBS} MiB from the client into the server, both perl with 1 MiB reads and writes; the
     * client's nanos from its connect until the server, done reading, closed. (busybox nc is no meter: it reads 8 KiB
     * a select(), and its sender quits when the listener half-closes, as it does once its own stdin ends.)
     */
    private long transfer(Route r, int port) throws Exception {
        Path serverOut = dir.resolve("receiver.out");
        Process server = new ProcessBuilder(r.server().command("perl", "-MIO::Socket::INET", "-e", "$s = IO::Socket::INET->new("
                + "Listen => 1, LocalAddr => '0.0.0.0', LocalPort => " + port + ", ReuseAddr => 1) or die \"listen: $!\"; "
                + "$c = $s->accept; $n = 0; while (($r = sysread($c, $b, 1 << 20)) > 0) { $n += $r } print \"$n\\n\""))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(serverOut.toFile()).start();
        try {
            awaitListening(r.server(), port, server);
            Process client = new ProcessBuilder(r.client().command("perl", "-MIO::Socket::INET", "-MTime::HiRes=time", "-e",
                    "$c = IO::Socket::INET->new(PeerAddr => '" + r.server().ip() + "', PeerPort => " + port + ") or die \"connect: $!\"; "
                            + "$b = \"\\0\" x (1 << 20); $t = time; for (1 .. " + MIBS + ") { $o = 0; while ($o < length $b) { "
                            + "$w = syswrite($c, $b, length($b) - $o, $o); die \"write: $!\" unless defined $w; $o += $w } } "
                            + "shutdown($c, 1); sysread($c, $x, 1); printf \"%.9f\\n\", time - $t"))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectErrorStream(true).start();
            String clientOut = new String(client.getInputStream().readAllBytes()).strip();
            assertThat(client.waitFor(120, TimeUnit.SECONDS)).as("the sender on " + r.name() + " ended").isTrue();
            assertThat(client.exitValue()).as("the sender on " + r.name() + ": " + clientOut).isZero();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the receiver on " + r.name() + " ended").isTrue();
            assertThat(Files.readString(serverOut).strip()).as("bytes the receiver on " + r.name() + " read")
                    .isEqualTo(Long.toString(MIBS * (1L << 20)));
            return Math.round(Double.parseDouble(clientOut) * 1e9);
        } finally {
            server.destroyForcibly();
        }
    }

    /** Until the side's namespace has a TCP socket listening on the port (its /proc/net/tcp or tcp6, state 0A). */
    private void awaitListening(Side side, int port, Process server) throws Exception {
        Pattern listening = Pattern.compile(String.format(":%04X [0-9A-F]+:0000 0A ", port));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Process cat = new ProcessBuilder(side.command("cat", "/proc/net/tcp", "/proc/net/tcp6")).redirectErrorStream(true).start();
            String tcp = new String(cat.getInputStream().readAllBytes());
            cat.waitFor();
            if (listening.matcher(tcp).find()) {
                return;
            }
            if (!server.isAlive()) {
                throw new AssertionError("nc -l ended before it listened on " + port + ": " + Files.readString(dir.resolve("receiver.out")));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing listened on " + port + " in 10 s");
    }

    /** {@code count} echoes, each sent as soon as the previous one is back; every RTT in nanos. */
    private static List<Long> ping(Route r, int count) throws Exception {
        Process p = new ProcessBuilder(r.client().command(BUSYBOX, "ping", "-A", "-c", Integer.toString(count), "-W", "2",
                r.server().ip())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<Long> rtts = new ArrayList<>();
        Matcher m = RTT.matcher(out);
        while (m.find()) {
            rtts.add(Math.round(Double.parseDouble(m.group(1)) * 1e6));
        }
        assertThat(rtts).as("echo replies on " + r.name() + ":\n" + out).hasSize(count);
        return rtts;
    }

    // ---- pod start ----

    private void podStart(NetnsCluster cluster, Path releaseJar) throws Exception {
        String cni = cluster.node(cluster.host("c"));
        String release = "xh-release-" + cni.substring(cni.lastIndexOf('-') + 1);
        String rawLabel = "io.coxswain.bench=" + release;
        JarProcess old = null;
        // the release makes its Docker network when it is missing; it goes again after, if it was not there before
        boolean hadBridgeNetwork = !DockerNode.docker("network", "ls", "-q", "--filter", "name=^" + RELEASE_NETWORK + "$").isBlank();
        try (PodStartClock clock = new PodStartClock(cluster.client, "default")) {
            if (releaseJar != null) {
                // in the root namespace, as the release ran: its pods on the engine's bridge network coxswain-pods
                old = JarProcess.startJarIn(releaseJar, null, dir, "kubelet-release", "is running against", "kubelet",
                        "--kubeconfig", cluster.nodeKubeconfig(release).toString(), "--node-name", release, "--kubelet-port", "0",
                        "--root-dir", dir.resolve("root-release").toString(), "--node-status-update-frequency", "2");
                awaitNodeReady(cluster, release);
            }
            JarProcess releaseKubelet = old;
            long[] withCni = new long[POD_SAMPLES];
            long[] before = new long[POD_SAMPLES];
            for (int i = -POD_WARMUP; i < POD_SAMPLES; i++) {
                String n = i < 0 ? "warm" + (-i) : Integer.toString(i);
                long c = clock.start("cni-" + n, cni);
                long o = releaseKubelet != null ? clock.start("release-" + n, release) : rawDockerRun(rawLabel);
                if (i >= 0) {
                    withCni[i] = c;
                    before[i] = o;
                    progress("pod start sample " + i + ": CNI " + FigureTable.ms(c) + ", " + (releaseKubelet != null ? "release " : "docker run ")
                            + FigureTable.ms(o));
                }
            }
            String reference = releaseKubelet != null ? "release " + RELEASE : "raw docker run -d";
            Map<String, Map<String, String>> table = new LinkedHashMap<>();
            Map<String, String> cniColumn = new LinkedHashMap<>(), refColumn = new LinkedHashMap<>();
            table.put("this build (CNI)", cniColumn);
            table.put(reference, refColumn);
            for (int pct : new int[]{50, 99}) {
                cniColumn.put("p" + pct, FigureTable.ms(FigureTable.percentile(withCni, pct)));
                refColumn.put("p" + pct, FigureTable.ms(FigureTable.percentile(before, pct)));
            }
            cniColumn.put("p50 ratio CNI ÷ this", "-");
            cniColumn.put("p99 ratio CNI ÷ this", "-");
            refColumn.put("p50 ratio CNI ÷ this", String.format("%.2f×", (double) FigureTable.percentile(withCni, 50) / FigureTable.percentile(before, 50)));
            refColumn.put("p99 ratio CNI ÷ this", String.format("%.2f×", (double) FigureTable.percentile(withCni, 99) / FigureTable.percentile(before, 99)));
            FigureTable.print(String.format("Pod start with CNI against %s (%s; POST → Running seen by a watch; %d warm-up, %d samples each, "
                            + "alternating; p99 of %d samples is their maximum)", releaseKubelet != null ? "the release " + RELEASE
                            + ", pods on a Docker bridge network" : "raw docker run -d", BenchSize.label(), POD_WARMUP, POD_SAMPLES, POD_SAMPLES),
                    table, releaseKubelet != null
                            ? "Both kubelets against the same apiserver: this build's on host c (CNI bridge, pod CIDR from node IPAM, next to "
                            + "its overlay agent and kube-proxy), the release's in the root namespace (jar built from " + RELEASE + ", cached in "
                            + releaseJar.getParent() + ")."
                            : "The release's jar is not cached and the CI size does not build it (about 100 s): a raw docker run -d of the "
                            + "same image stands in. -Dcoxswain.bench.full=true builds " + RELEASE + " once and caches it; later runs of "
                            + "either size then compare with it.");
        } finally {
            if (old != null) {
                old.close();
            }
            NetnsCluster.removeContainers(List.of(release));
            if (old != null && !hadBridgeNetwork) {
                DockerNode.docker("network", "rm", RELEASE_NETWORK);
            }
            String ids = DockerNode.docker("ps", "-aq", "--filter", "label=" + rawLabel);
            if (!ids.isBlank()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(List.of(ids.split("\\s+")));
                DockerNode.docker(rm.toArray(String[]::new));
            }
        }
    }

    private static long rawDockerRun(String label) throws IOException, InterruptedException {
        long start = System.nanoTime();
        String id = DockerNode.docker("run", "-d", "--label", label, PodStartClock.IMAGE, "sleep", "3600");
        long took = System.nanoTime() - start;
        assertThat(id).matches("[0-9a-f]{64}");
        return took;
    }

    private static void awaitNodeReady(NetnsCluster cluster, String node) throws InterruptedException {
        long deadline = System.nanoTime() + NetnsCluster.CONVERGE.toNanos();
        while (System.nanoTime() < deadline) {
            var n = cluster.client.nodes().withName(node).get();
            if (n != null && n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the release's node " + node + " was not Ready in " + NetnsCluster.CONVERGE.toSeconds() + " s");
    }

    /**
     * The release's launcher jar, cached in {@code tests/target/release-<commit>/}; at full size built there when
     * missing (a git worktree of the commit, {@code mvn -o package} of the launcher with the run's local repository,
     * the worktree removed after). Null at CI size when it is not cached.
     */
    private static Path releaseJar() throws IOException, InterruptedException {
        Path root = SharedFiles.projectRoot();
        Path cache = root.resolve("tests/target/release-" + RELEASE);
        Path jar = cache.resolve("coxswain.jar");
        if (Files.exists(jar) || !BenchSize.FULL) {
            return Files.exists(jar) ? jar : null;
        }
        Path src = cache.resolve("src");
        Files.createDirectories(cache);
        run(cache.resolve("build.log"), root, "git", "worktree", "add", "--force", "--detach", src.toString(), RELEASE);
        try {
            List<String> mvn = new ArrayList<>(List.of("mvn", "-B", "-q", "-o", "package", "-pl", "cluster-backend/coxswain", "-am",
                    "-DskipTests", "-Dcoxswain.cds.skip"));
            if (System.getProperty("maven.repo.local") != null) {
                mvn.add("-Dmaven.repo.local=" + System.getProperty("maven.repo.local"));
            }
            progress("building the release " + RELEASE + "'s jar (once; log in " + cache.resolve("build.log") + ")");
            run(cache.resolve("build.log"), src, mvn.toArray(String[]::new));
            Files.copy(src.resolve("cluster-backend/coxswain/target/coxswain.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
            return jar;
        } finally {
            run(cache.resolve("build.log"), root, "git", "worktree", "remove", "--force", src.toString());
        }
    }

    private static void run(Path log, Path in, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed; see " + log + ":\n" + Files.readString(log));
        }
    }

    // ---- figures ----

    private static String us(long nanos) {
        return String.format("%.0f µs", nanos / 1e3);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static void progress(String message) {
        System.err.printf("[PodNetworkBenchmark %tT] %s%n", System.currentTimeMillis(), message);
    }
}
