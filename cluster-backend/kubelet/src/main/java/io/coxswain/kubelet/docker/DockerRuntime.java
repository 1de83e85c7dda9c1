package io.coxswain.kubelet.docker;

import io.coxswain.client.DaemonThreads;
import io.coxswain.kubelet.cni.CniFailure;
import io.coxswain.kubelet.cni.CniNetwork;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.coxswain.kubelet.runtime.ContainerRecord;
import io.coxswain.kubelet.runtime.ContainerRuntime;
import io.coxswain.kubelet.runtime.ContainerSpec;
import io.coxswain.kubelet.runtime.LogRequest;
import io.coxswain.kubelet.runtime.RuntimeFailure;
import io.coxswain.kubelet.runtime.RuntimeLabels;
import io.coxswain.kubelet.runtime.SandboxSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The real runtime, on a Docker engine through docker-java, mapped the way cri-dockerd maps the CRI: a pause
 * sandbox owns the pod's network namespace, and app containers join its network and IPC namespaces. The engine
 * makes the sandbox with network "none"; its network is set up through CNI ({@link CniNetwork}) on the node's pod
 * CIDR, as cri-dockerd does with --network-plugin=cni.
 */
public final class DockerRuntime implements ContainerRuntime {

    private final DockerClient docker;
    private final CniNetwork network;
    private static final String LEGACY_NETWORK = "coxswain-pods";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DockerRuntime.class);
    private final String sandboxImage;
    /** How long an image's presence is believed without asking the engine again. */
    private static final Duration IMAGE_TTL = Duration.ofSeconds(5);

    /**
     * The last inspection of each container, with the engine's state word at the time. A container's inspection
     * changes only with that word (the kubelet never restarts one in place), so a list whose word is the same
     * reuses it; an exited container never changes again.
     */
    private final Map<String, Inspected> inspected = new ConcurrentHashMap<>();
    private final Map<String, KnownImage> images = new ConcurrentHashMap<>();
    private final ExecutorService starters = Executors.newCachedThreadPool(DaemonThreads.named("sandbox-starter"));

    public DockerRuntime(String dockerHost, CniNetwork network, String sandboxImage) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10))
                // a stop waits out the pod's grace period and a followed log stream stays open
                .responseTimeout(Duration.ofHours(24))
                .build();
        this.docker = DockerClientImpl.getInstance(config, http);
        this.network = network;
        this.sandboxImage = sandboxImage;
    }

    @Override
    public String version() {
        return "docker://" + call(() -> docker.versionCmd().exec().getVersion());
    }

    @Override
    public void prepare() {
        network.verifyPlugins();
        removeLegacyNetwork();
        if (imageId(sandboxImage).isEmpty()) {
            throw new RuntimeFailure("the sandbox image " + sandboxImage + " is not on this node; build it with "
                    + "cluster-backend/kubelet/images/build-images.sh");
        }
    }

    /**
     * Releases before CNI put pods on a Docker bridge network, coxswain-pods (10.244.0.0/16 by default), whose route
     * overlaps the pod CIDRs: it goes once no container uses it, and while one does the log says which network to free.
     */
    private void removeLegacyNetwork() {
        try {
            for (com.github.dockerjava.api.model.Network n : docker.listNetworksCmd().withNameFilter(LEGACY_NETWORK).exec()) {
                if (!LEGACY_NETWORK.equals(n.getName())) {
                    continue;
                }
                var used = docker.inspectNetworkCmd().withNetworkId(n.getId()).exec().getContainers();
                if (used == null || used.isEmpty()) {
                    docker.removeNetworkCmd(n.getId()).exec();
                    LOG.info("removed the Docker network {} of an earlier release: pods are networked through CNI now", LEGACY_NETWORK);
                } else {
                    LOG.warn("the Docker network {} of an earlier release still has {} container(s); its route overlaps the pod "
                            + "CIDRs: remove those containers and the network (docker network rm {})", LEGACY_NETWORK, used.size(), LEGACY_NETWORK);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not look for the Docker network {} of an earlier release: {}", LEGACY_NETWORK, message(e));
        }
    }

    @Override
    public String runSandbox(SandboxSpec spec) {
        return runSandbox(spec, id -> {
        });
    }

    /** The sandbox starts on another thread while {@code whileStarting} creates the pod's containers in it. */
    @Override
    public String runSandbox(SandboxSpec spec, Consumer<String> whileStarting) {
        String id = createSandbox(spec);
        Future<?> start = starters.submit(() -> {
            call(() -> docker.startContainerCmd(id).exec());
            setUpNetwork(id, spec);
        });
        RuntimeException during = null;
        try {
            whileStarting.accept(id);
        } catch (RuntimeException e) {
            during = e;
        }
        try {
            start.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("the start of sandbox " + id + " was interrupted");
        } catch (ExecutionException e) {
            RuntimeException failure = e.getCause() instanceof RuntimeException r ? r : new RuntimeFailure(message(e.getCause()), e.getCause());
            if (during != null) {
                failure.addSuppressed(during);
            }
            throw failure;
        }
        if (during != null) {
            throw during;
        }
        return id;
    }

    private String createSandbox(SandboxSpec spec) {
        network.notReady().ifPresent(reason -> {
            throw new RuntimeFailure(reason);
        });
        return call(() -> {
            HostConfig host = HostConfig.newHostConfig().withNetworkMode("none").withIpcMode("shareable");
            if (!spec.dnsServers().isEmpty()) {
                host.withDns(spec.dnsServers());
            }
            if (!spec.dnsSearches().isEmpty()) {
                host.withDnsSearch(spec.dnsSearches());
            }
            return docker.createContainerCmd(sandboxImage).withName(spec.name()).withHostName(spec.hostname())
                    .withLabels(spec.labels()).withHostConfig(host).exec().getId();
        });
    }

    /**
     * CNI ADD on the started sandbox's network namespace (the kubelet and the engine share the machine's PID
     * namespace, so /proc/PID/ns/net is the sandbox's). When it fails the sandbox is stopped, so that the next sync
     * replaces it, and the plugin's message is the failure's.
     */
    private void setUpNetwork(String id, SandboxSpec spec) {
        long pid = call(() -> {
            Long p = docker.inspectContainerCmd(id).exec().getState().getPidLong();
            return p == null ? 0L : p;
        });
        Map<String, String> labels = spec.labels();
        Map<String, String> podArgs = new java.util.LinkedHashMap<>();
        podArgs.put("K8S_POD_NAMESPACE", labels.getOrDefault(RuntimeLabels.POD_NAMESPACE, ""));
        podArgs.put("K8S_POD_NAME", labels.getOrDefault(RuntimeLabels.POD_NAME, ""));
        podArgs.put("K8S_POD_UID", labels.getOrDefault(RuntimeLabels.POD_UID, ""));
        try {
            if (pid <= 0) {
                throw new CniFailure("sandbox " + id + " has no process: it exited as it started");
            }
            network.setUp(id, netns(pid), podArgs, spec.hostPorts().stream().map(p ->
                    new CniNetwork.HostPortMapping(p.hostIp(), p.hostPort(), p.containerPort(), p.protocol())).toList());
        } catch (CniFailure e) {
            stopContainer(id, Duration.ZERO);
            throw new RuntimeFailure("failed to set up the network of sandbox " + spec.name() + ": " + e.getMessage());
        }
    }

    private static String netns(long pid) {
        return "/proc/" + pid + "/ns/net";
    }

    /** The pod IP that CNI gave the sandbox (remembered across kubelet restarts in libcni's result cache). */
    @Override
    public Optional<String> sandboxIp(String sandboxId) {
        return network.ip(sandboxId);
    }

    @Override
    public void updatePodCidr(String podCidr) {
        network.podCidr(podCidr);
        collectGarbage();
    }

    @Override
    public Optional<String> networkNotReady() {
        return network.notReady();
    }

    /** CHECK of a running sandbox's network against what its ADD set up. */
    @Override
    public void checkSandboxNetwork(String sandboxId) {
        long pid = call(() -> {
            Long p = docker.inspectContainerCmd(sandboxId).exec().getState().getPidLong();
            return p == null ? 0L : p;
        });
        try {
            network.check(sandboxId, pid > 0 ? netns(pid) : "");
        } catch (CniFailure e) {
            throw new RuntimeFailure("the network of sandbox " + sandboxId + " failed its CNI CHECK: " + e.getMessage());
        }
    }

    /** Releases the pod addresses of containers that left the engine without a DEL; every container of the engine counts. */
    @Override
    public void collectGarbage() {
        java.util.Set<String> all = new java.util.HashSet<>();
        call(() -> docker.listContainersCmd().withShowAll(true).exec()).forEach(c -> all.add(c.getId()));
        network.collectGarbage(all);
    }

    /** DEL of a sandbox's network while its namespace still exists; nothing for an app container. */
    private void tearDownNetwork(String containerId) {
        if (!network.attached(containerId)) {
            return;
        }
        String netns = "";
        try {
            Long pid = docker.inspectContainerCmd(containerId).exec().getState().getPidLong();
            netns = pid == null || pid <= 0 ? "" : netns(pid);
        } catch (NotFoundException e) {
            // gone: its namespace with it
        }
        try {
            network.tearDown(containerId, netns);
        } catch (CniFailure e) {
            throw new RuntimeFailure("failed to tear down the network of sandbox " + containerId + ": " + e.getMessage());
        }
    }

    /** A present image is believed for {@link #IMAGE_TTL}; an absent one is asked about every time. */
    @Override
    public Optional<String> imageId(String image) {
        KnownImage known = images.get(image);
        long now = System.nanoTime();
        if (known != null && now - known.at() < IMAGE_TTL.toNanos()) {
            return Optional.of(known.id());
        }
        Optional<String> id = call(() -> {
            try {
                return Optional.of(docker.inspectImageCmd(image).exec().getId());
            } catch (NotFoundException e) {
                return Optional.<String>empty();
            }
        });
        if (id.isPresent()) {
            images.put(image, new KnownImage(id.get(), now));
        } else {
            images.remove(image);
        }
        return id;
    }

    @Override
    public String pullImage(String image) {
        try {
            images.remove(image);
            docker.pullImageCmd(image).start().awaitCompletion(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("pull of " + image + " was interrupted");
        } catch (RuntimeException e) {
            throw new RuntimeFailure("failed to pull image \"" + image + "\": " + message(e), e);
        }
        return imageId(image).orElseThrow(() -> new RuntimeFailure("image " + image + " is missing after its pull"));
    }

    @Override
    public String createContainer(String sandboxId, ContainerSpec spec) {
        return call(() -> {
            HostConfig host = HostConfig.newHostConfig()
                    .withNetworkMode("container:" + sandboxId)
                    .withIpcMode("container:" + sandboxId)
                    .withBinds(spec.mounts().stream().map(m -> new Bind(m.hostPath(), new Volume(m.containerPath()),
                            m.readOnly() ? AccessMode.ro : AccessMode.rw)).toList());
            if (spec.memoryLimitBytes() != null) {
                host.withMemory(spec.memoryLimitBytes()).withMemorySwap(spec.memoryLimitBytes());
            }
            if (spec.nanoCpus() != null) {
                host.withNanoCPUs(spec.nanoCpus());
            }
            if (spec.cpuShares() != null) {
                host.withCpuShares(spec.cpuShares().intValue());
            }
            CreateContainerCmd cmd = docker.createContainerCmd(spec.image()).withName(spec.name())
                    .withLabels(spec.labels()).withEnv(spec.env()).withHostConfig(host)
                    .withTty(spec.tty()).withStdinOpen(spec.stdin());
            if (!spec.command().isEmpty()) {
                cmd.withEntrypoint(spec.command());
            }
            if (!spec.args().isEmpty()) {
                cmd.withCmd(spec.args());
            }
            if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
                cmd.withWorkingDir(spec.workingDir());
            }
            return cmd.exec().getId();
        });
    }

    @Override
    public void startContainer(String containerId) {
        call(() -> docker.startContainerCmd(containerId).exec());
    }

    @Override
    public void stopContainer(String containerId, Duration grace) {
        tearDownNetwork(containerId);
        try {
            docker.stopContainerCmd(containerId).withTimeout((int) Math.max(0, grace.toSeconds())).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped, or gone
        } catch (RuntimeException e) {
            throw new RuntimeFailure("stopping container " + containerId + ": " + message(e), e);
        }
    }

    @Override
    public void removeContainer(String containerId) {
        inspected.remove(containerId);
        tearDownNetwork(containerId);
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw new RuntimeFailure("removing container " + containerId + ": " + message(e), e);
        }
    }

    @Override
    public List<ContainerRecord> list(String nodeName, String podUid) {
        Map<String, String> filter = podUid == null ? Map.of(RuntimeLabels.NODE, nodeName)
                : Map.of(RuntimeLabels.NODE, nodeName, RuntimeLabels.POD_UID, podUid);
        List<Container> containers = call(() -> docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec());
        List<ContainerRecord> records = new ArrayList<>(containers.size());
        for (Container c : containers) {
            Inspected known = inspected.get(c.getId());
            if (known != null && known.status().equals(c.getState())) {
                records.add(known.record());
            } else {
                inspect(c.getId()).ifPresent(records::add);
            }
        }
        return records;
    }

    @Override
    public Map<String, Summary> summaries(String nodeName) {
        List<Container> containers = call(() -> docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(RuntimeLabels.NODE, nodeName)).exec());
        Map<String, Summary> out = new HashMap<>();
        for (Container c : containers) {
            String uid = c.getLabels() == null ? null : c.getLabels().get(RuntimeLabels.POD_UID);
            if (uid != null) {
                out.put(c.getId(), new Summary(uid, c.getState()));
            }
        }
        inspected.keySet().retainAll(out.keySet());
        return out;
    }

    @Override
    public Optional<ContainerRecord> inspect(String containerId) {
        Inspected known = inspected.get(containerId);
        if (known != null && known.record().state() == ContainerRecord.State.EXITED) {
            return Optional.of(known.record());
        }
        InspectContainerResponse r;
        try {
            r = call(() -> docker.inspectContainerCmd(containerId).exec());
        } catch (RuntimeFailure e) {
            if (e.getCause() instanceof NotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
        InspectContainerResponse.ContainerState s = r.getState();
        ContainerRecord.State state = Boolean.TRUE.equals(s.getRunning()) ? ContainerRecord.State.RUNNING
                : "created".equals(s.getStatus()) ? ContainerRecord.State.CREATED
                : "exited".equals(s.getStatus()) || "dead".equals(s.getStatus()) ? ContainerRecord.State.EXITED
                : ContainerRecord.State.UNKNOWN;
        ContainerRecord record = new ContainerRecord(r.getId(), r.getConfig().getLabels() == null ? Map.of() : r.getConfig().getLabels(),
                state, s.getExitCodeLong() == null ? 0 : s.getExitCodeLong().intValue(), Boolean.TRUE.equals(s.getOOMKilled()),
                s.getError(), time(r.getCreated()), time(s.getStartedAt()), time(s.getFinishedAt()), r.getConfig().getImage(),
                r.getImageId());
        inspected.put(containerId, new Inspected(s.getStatus() == null ? "" : s.getStatus(), record));
        return Optional.of(record);
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        String execId = call(() -> docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true).exec().getId());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                if (output.size() < 10_240) {
                    output.writeBytes(frame.getPayload());
                }
            }
        };
        try {
            boolean done = docker.execStartCmd(execId).exec(callback).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                callback.close();
                return new ExecResult(Optional.empty(), output.toString());
            }
            Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
            return new ExecResult(Optional.of(code == null ? -1 : code.intValue()), output.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecResult(Optional.empty(), "interrupted");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new RuntimeFailure("exec in " + containerId + ": " + message(e), e);
        }
    }

    @Override
    public void logs(String containerId, LogRequest request, OutputStream out) {
        var cmd = docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                .withFollowStream(request.follow()).withTimestamps(request.timestamps());
        if (request.tailLines() != null) {
            cmd.withTail(request.tailLines());
        }
        if (request.sinceSeconds() != null) {
            cmd.withSince((int) (Instant.now().getEpochSecond() - request.sinceSeconds()));
        }
        long limit = request.limitBytes() == null ? Long.MAX_VALUE : request.limitBytes();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            private long written;

            @Override
            public void onNext(Frame frame) {
                try {
                    byte[] payload = frame.getPayload();
                    int n = (int) Math.min(payload.length, limit - written);
                    out.write(payload, 0, n);
                    out.flush();
                    written += n;
                    if (written >= limit) {
                        close();
                    }
                } catch (IOException e) {
                    // the reader went away: stop following
                    try {
                        close();
                    } catch (IOException ignored) {
                        // closing a closed stream
                    }
                }
            }
        };
        try {
            cmd.exec(callback).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotFoundException e) {
            throw new RuntimeFailure("container " + containerId + " is gone", e);
        }
    }

    @Override
    public void close() {
        starters.shutdownNow();
        try {
            docker.close();
        } catch (IOException e) {
            // nothing to do at shutdown
        }
    }

    private static Instant time(String value) {
        if (value == null || value.isEmpty() || value.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // docker-java puts the engine's JSON reply in the message: keep the text
        int i = m.indexOf("\"message\":\"");
        if (i >= 0) {
            int end = m.indexOf('"', i + 11);
            return end > i ? m.substring(i + 11, end) : m;
        }
        return m.strip();
    }

    private static <T> T call(DockerCall<T> call) {
        try {
            return call.run();
        } catch (DockerException e) {
            throw new RuntimeFailure(message(e), e);
        } catch (RuntimeException e) {
            if (e instanceof RuntimeFailure f) {
                throw f;
            }
            throw new RuntimeFailure("the Docker engine did not answer: " + message(e), e);
        }
    }

    private record Inspected(String status, ContainerRecord record) {
    }

    private record KnownImage(String id, long at) {
    }

    @FunctionalInterface
    private interface DockerCall<T> {
        T run();
    }
}
