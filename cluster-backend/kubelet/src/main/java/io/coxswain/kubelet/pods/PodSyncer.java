package io.coxswain.kubelet.pods;

import io.coxswain.client.DaemonThreads;
import io.coxswain.client.MergePatch;
import io.coxswain.client.EventRecorder;
import io.coxswain.kubelet.KubeletOptions;
import io.coxswain.kubelet.runtime.ContainerRecord;
import io.coxswain.kubelet.runtime.ContainerRuntime;
import io.coxswain.kubelet.runtime.ContainerSpec;
import io.coxswain.kubelet.runtime.RuntimeFailure;
import io.coxswain.kubelet.runtime.RuntimeLabels;
import io.coxswain.kubelet.runtime.SandboxSpec;
import io.coxswain.kubelet.volumes.Tmpfs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kubelet's syncPod: brings one pod's containers to what its spec asks for, then reports what is there.
 * Level-triggered: every sync starts from the engine's containers and the latest pod object, so a missed event or
 * a kubelet restart changes nothing.
 */
public final class PodSyncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodSyncer.class);

    private final KubeletOptions options;
    private final ContainerRuntime runtime;
    private final KubernetesClient client;
    private final Function<String, Pod> pods;
    private final Supplier<List<Service>> services;
    private final EventRecorder events;
    private final PodWorkers workers;
    private final Prober prober;
    private final PodVolumes volumes;
    private final EnvResolver env;
    private final ReferencedObjects objects;
    private final ServiceAccountTokens tokens;
    private final Map<String, PodState> states = new ConcurrentHashMap<>();
    private volatile Set<String> startedWith;
    private final KubeletMetrics metrics;
    private final ExecutorService stoppers = Executors.newCachedThreadPool(DaemonThreads.named("container-stopper"));

    /**
     * @param pods     the latest pod object of this node by uid, null once it is gone from the API
     * @param services every service, for the service-link environment
     */
    public PodSyncer(KubeletOptions options, ContainerRuntime runtime, KubernetesClient client, Function<String, Pod> pods,
                     Supplier<List<Service>> services, EventRecorder events, ScheduledExecutorService probeTimer,
                     KubeletMetrics metrics) {
        this.options = options;
        this.metrics = metrics;
        metrics.runningPods(() -> states.values().stream().filter(s -> s.seenRunning && !s.terminal).count());
        this.runtime = runtime;
        this.client = client;
        this.pods = pods;
        this.services = services;
        this.events = events;
        this.workers = new PodWorkers(16, this::timedSync);
        this.prober = new Prober(runtime, probeTimer, workers::enqueue, this::unhealthy);
        this.objects = new ReferencedObjects(client, workers::enqueue);
        this.tokens = new ServiceAccountTokens(ServiceAccountTokens.apiRequester(client), java.time.Clock.systemUTC());
        this.volumes = new PodVolumes(options.rootDir(), options.allowHostPath(),
                new VolumePayloads(objects, tokens, options.cpuMillis(), options.memoryBytes()), Tmpfs.detect());
        this.env = new EnvResolver(objects);
    }

    public PodWorkers workers() {
        return workers;
    }

    /**
     * The pods that had containers on the node when the kubelet started (before any sync). Any other pod has
     * containers only once this kubelet made them, in a sync that keeps its state: so the first sync of such a
     * pod needs no list of the engine's containers.
     */
    public void startedWith(Set<String> podUids) {
        startedWith = Set.copyOf(podUids);
    }

    /** Syncs one pod, timed by kind of sync as kubelet_pod_worker_duration_seconds. */
    private void timedSync(String uid) {
        Pod pod = pods.apply(uid);
        String operation = pod == null || pod.getMetadata().getDeletionTimestamp() != null ? "kill"
                : states.containsKey(uid) ? "sync" : "create";
        long started = System.nanoTime();
        try {
            sync(uid);
        } finally {
            metrics.synced(operation, System.nanoTime() - started);
        }
    }

    /** Syncs one pod by uid. */
    void sync(String uid) {
        Pod pod = pods.apply(uid);
        Set<String> before = startedWith;
        boolean unseen = pod != null && before != null && !before.contains(uid) && !states.containsKey(uid);
        SyncTimer timer = new SyncTimer(LOG.isDebugEnabled());
        List<ContainerRecord> records = unseen ? List.of() : runtime.list(options.nodeName(), uid);
        timer.mark(unseen ? "no list (new pod)" : "list");
        if (pod == null) {
            teardown(uid, records, Duration.ZERO);
            return;
        }
        PodState state = states.computeIfAbsent(uid, k -> new PodState());
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(pod, state, records);
            return;
        }
        if (state.terminal) {
            return;
        }
        state.waiting.clear();
        state.touched.clear();
        state.precreated.clear();
        state.volumesPrepared = false;
        // the objects its env and volumes use are watched from now on: a change syncs the pod again
        objects.track(pod);
        ContainerRecord sandbox = records.stream().filter(ContainerRecord::isSandbox)
                .max((a, b) -> Integer.compare(a.attempt(), b.attempt())).orElse(null);
        if ((sandbox == null || !sandbox.running()) && waitsForNetwork(pod, state)) {
            return;
        }
        try {
            if (records.isEmpty()) {
                // a new pod: its containers are created while the engine starts its sandbox, and started while the
                // sandbox is looked at for its IP
                List<ContainerRecord> created = new ArrayList<>();
                String id = runSandbox(pod, records, null, sid -> {
                    long t = System.nanoTime();
                    precreate(pod, state, sid, created);
                    timer.note("containers created meanwhile in", System.nanoTime() - t);
                });
                timer.mark("sandbox run");
                CompletableFuture<ContainerRecord> look = CompletableFuture.supplyAsync(() -> inspectSandbox(id), stoppers);
                for (ContainerRecord r : created) {
                    start(pod, state, container(pod, r.containerName()), r.id());
                }
                timer.mark("containers started");
                sandbox = joined(look);
                timer.mark("sandbox inspect (waited)");
                records = new ArrayList<>(created);
                records.add(sandbox);
            } else if (sandbox == null || !sandbox.running()) {
                sandbox = inspectSandbox(runSandbox(pod, records, sandbox, id -> {
                }));
                records = runtime.list(options.nodeName(), uid);
                timer.mark("sandbox replaced");
            }
        } catch (RuntimeFailure e) {
            events.warning(pod, null, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + e.getMessage());
            throw e;
        }
        String podIp = runtime.sandboxIp(sandbox.id()).orElse(null);
        String sandboxId = sandbox.id();

        boolean initDone = true;
        boolean initFailed = false;
        try {
            prepareVolumes(pod, state);
            for (Container c : EnvResolver.list(pod.getSpec().getInitContainers())) {
                PodStatusBuilder.Instances in = PodStatusBuilder.instances(records, c.getName());
                ContainerRecord cur = in.current();
                if (cur != null && cur.state() == ContainerRecord.State.EXITED && cur.exitCode() == 0) {
                    continue;
                }
                initDone = false;
                if (cur != null && cur.running()) {
                    break;
                }
                if (cur != null && cur.state() == ContainerRecord.State.EXITED) {
                    if ("Never".equals(pod.getSpec().getRestartPolicy())) {
                        initFailed = true;
                    } else {
                        restartAfterBackoff(pod, state, c, cur, sandboxId, podIp, true);
                    }
                    break;
                }
                startContainer(pod, state, c, cur, 0, sandboxId, podIp, true);
                break;
            }
            if (initDone) {
                for (Container c : pod.getSpec().getContainers()) {
                    syncAppContainer(pod, state, c, PodStatusBuilder.instances(records, c.getName()).current(), sandboxId, podIp);
                }
            }
        } catch (EnvResolver.ConfigError e) {
            for (Container c : pod.getSpec().getContainers()) {
                state.waiting.putIfAbsent(c.getName(), PodStatusBuilder.waiting("CreateContainerConfigError", e.getMessage()));
            }
            events.warning(pod, null, "Failed", "Error: " + e.getMessage());
            workers.enqueueAfter(uid, options.backoffBase());
        } catch (PodVolumes.MountError e) {
            // kube's kubelet: the pod stays ContainerCreating while a volume cannot be set up, and says why in an event
            for (Container c : pod.getSpec().getContainers()) {
                if (PodStatusBuilder.instances(records, c.getName()).current() == null) {
                    state.waiting.putIfAbsent(c.getName(), PodStatusBuilder.waiting("ContainerCreating", null));
                }
            }
            events.warning(pod, null, "FailedMount", e.getMessage());
            workers.enqueueAfter(uid, options.backoffBase());
        }
        timer.mark("containers synced");
        records = refreshed(records, state.touched);
        timer.mark("re-inspect " + state.touched.size());
        removeOldInstances(records);
        String key = uid;
        Set<String> live = new HashSet<>();
        for (ContainerRecord r : records) {
            if (r.running() && !r.isSandbox()) {
                live.add(r.id());
                Container c = container(pod, r.containerName());
                if (c != null) {
                    prober.ensure(key, c, r.id(), podIp);
                }
            }
        }
        prober.retain(key, live);
        PodStatus status = PodStatusBuilder.build(pod, records, state, podIp, options.nodeIp(), podIp != null, initDone,
                initFailed, r -> prober.result(key, r.id(), Prober.Kind.READINESS) == Prober.Result.SUCCESS
                        && prober.result(key, r.id(), Prober.Kind.STARTUP) == Prober.Result.SUCCESS,
                r -> prober.result(key, r.id(), Prober.Kind.STARTUP) == Prober.Result.SUCCESS);
        timer.mark("status built");
        report(pod, state, status);
        timer.mark("status reported");
        if (!state.seenRunning && "Running".equals(status.getPhase())) {
            state.seenRunning = true;
            if (before != null && !before.contains(uid)) {
                // started by this kubelet, not found running when it started
                metrics.podStarted(System.nanoTime() - state.firstSeen);
            }
        }
        LOG.debug("sync of pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), timer);
        if ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase())) {
            state.terminal = true;
            prober.forget(uid);
            runtime.stopContainer(sandboxId, Duration.ZERO);
        }
    }

    /**
     * While the node has no pod network (no pod CIDR yet), a pod that needs a sandbox waits, and says so once, in the
     * kubelet's words; it is synced again a second later.
     */
    private boolean waitsForNetwork(Pod pod, PodState state) {
        Optional<String> reason = runtime.networkNotReady();
        if (reason.isEmpty()) {
            state.networkWaitReported = false;
            return false;
        }
        if (!state.networkWaitReported) {
            state.networkWaitReported = true;
            events.warning(pod, null, "NetworkNotReady", "network is not ready: container runtime network not ready: "
                    + "NetworkReady=false reason:NetworkPluginNotReady message:" + reason.get());
        }
        workers.enqueueAfter(pod.getMetadata().getUid(), Duration.ofSeconds(1));
        return true;
    }

    private void syncAppContainer(Pod pod, PodState state, Container c, ContainerRecord cur, String sandboxId, String podIp) {
        String uid = pod.getMetadata().getUid();
        if (cur == null) {
            if (!state.waiting.containsKey(c.getName())) {
                // not when this sync's early create already failed
                startContainer(pod, state, c, null, 0, sandboxId, podIp, false);
            }
            return;
        }
        if (state.precreated.contains(cur.id())) {
            // started by this sync, right after its sandbox
            return;
        }
        if (cur.state() == ContainerRecord.State.CREATED) {
            runtime.startContainer(cur.id());
            state.touched.add(cur.id());
            events.normal(pod, fieldPath(pod, c), "Started", "Started container " + c.getName());
            return;
        }
        if (cur.running()) {
            boolean liveFail = prober.result(uid, cur.id(), Prober.Kind.LIVENESS) == Prober.Result.FAILURE;
            boolean startFail = prober.result(uid, cur.id(), Prober.Kind.STARTUP) == Prober.Result.FAILURE;
            if (liveFail || startFail) {
                String probe = liveFail ? "liveness" : "startup";
                events.normal(pod, fieldPath(pod, c), "Killing",
                        "Container " + c.getName() + " failed " + probe + " probe, will be restarted");
                prober.retain(uid, Set.of());
                runtime.stopContainer(cur.id(), grace(pod));
                state.touched.add(cur.id());
                workers.enqueue(uid);
            }
            return;
        }
        String policy = pod.getSpec().getRestartPolicy();
        boolean restart = "Always".equals(policy) || policy == null || "OnFailure".equals(policy) && cur.exitCode() != 0;
        if (restart) {
            restartAfterBackoff(pod, state, c, cur, sandboxId, podIp, false);
        }
    }

    private void restartAfterBackoff(Pod pod, PodState state, Container c, ContainerRecord exited, String sandboxId,
                                     String podIp, boolean init) {
        ContainerBackoff backoff = state.restartBackoff(c.getName(), options.backoffBase(), options.backoffMax(), options.backoffReset());
        Instant finished = exited.finishedAt() == null ? Instant.now() : exited.finishedAt();
        Duration ran = exited.startedAt() == null ? Duration.ZERO : Duration.between(exited.startedAt(), finished);
        Instant retryAt = backoff.retryAt(finished, ran);
        Instant now = Instant.now();
        if (now.isBefore(retryAt)) {
            String message = "back-off " + seconds(backoff.delay()) + " restarting failed container=" + c.getName()
                    + " pod=" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "(" + pod.getMetadata().getUid() + ")";
            state.waiting.put(c.getName(), PodStatusBuilder.waiting("CrashLoopBackOff", message));
            events.warning(pod, fieldPath(pod, c), "BackOff", "Back-off restarting failed container " + c.getName()
                    + " in pod " + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "(" + pod.getMetadata().getUid() + ")");
            workers.enqueueAfter(pod.getMetadata().getUid(), Duration.between(now, retryAt).plusMillis(10));
            return;
        }
        backoff.step();
        startContainer(pod, state, c, exited, exited.attempt() + 1, sandboxId, podIp, init);
    }

    private void startContainer(Pod pod, PodState state, Container c, ContainerRecord previous, int attempt,
                                String sandboxId, String podIp, boolean init) {
        ContainerRecord created = createContainer(pod, state, c, attempt, sandboxId, podIp, init);
        if (created == null) {
            return;
        }
        start(pod, state, c, created.id());
        if (previous != null && previous.attempt() < attempt - 1) {
            runtime.removeContainer(previous.id());
            state.touched.add(previous.id());
        }
    }

    private void start(Pod pod, PodState state, Container c, String id) {
        state.touched.add(id);
        try {
            runtime.startContainer(id);
            events.normal(pod, fieldPath(pod, c), "Started", "Started container " + c.getName());
        } catch (RuntimeFailure e) {
            events.warning(pod, fieldPath(pod, c), "Failed", "Error: " + e.getMessage());
        }
    }

    /**
     * Creates the app containers of a new pod in its sandbox while the sandbox starts, each but one whose env needs
     * the pod IP (known only once the sandbox runs); the sync starts them as soon as the sandbox runs. What fails
     * here is left to the sync, which meets the same failure and reports it.
     */
    private void precreate(Pod pod, PodState state, String sandboxId, List<ContainerRecord> created) {
        if (!EnvResolver.list(pod.getSpec().getInitContainers()).isEmpty()) {
            return;
        }
        try {
            prepareVolumes(pod, state);
            for (Container c : pod.getSpec().getContainers()) {
                if (!needsPodIp(c)) {
                    ContainerRecord r = createContainer(pod, state, c, 0, sandboxId, null, false);
                    if (r != null) {
                        created.add(r);
                        state.precreated.add(r.id());
                    }
                }
            }
        } catch (EnvResolver.ConfigError | PodVolumes.MountError e) {
            // the sync reports it
        }
    }

    /**
     * Sets up the pod's volumes once per sync: API data rewritten in place when it changed, and a sync planned for when
     * a projected token is due for renewal.
     */
    private void prepareVolumes(Pod pod, PodState state) {
        if (state.volumesPrepared) {
            return;
        }
        PodVolumes.Prepared prepared;
        try {
            prepared = volumes.prepare(pod);
        } catch (PodVolumes.MountError e) {
            if (state.volumes == null) {
                throw e;
            }
            // mounted before: the containers keep what they have (a deleted Secret leaves its last files), as in kube
            events.warning(pod, null, "FailedMount", e.getMessage());
            workers.enqueueAfter(pod.getMetadata().getUid(), options.backoffBase());
            state.volumesPrepared = true;
            return;
        }
        state.volumes = prepared.paths();
        state.volumesPrepared = true;
        Instant renewal = prepared.tokenRenewal();
        if (renewal != null && !renewal.equals(state.tokenRenewal)) {
            state.tokenRenewal = renewal;
            workers.enqueueAfter(pod.getMetadata().getUid(), Duration.between(Instant.now(), renewal).plusMillis(10));
        }
    }

    private static boolean needsPodIp(Container c) {
        return EnvResolver.list(c.getEnv()).stream().anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
                && String.valueOf(e.getValueFrom().getFieldRef().getFieldPath()).startsWith("status.podIP"));
    }

    /** Creates a container of the pod; a record of it (state CREATED), or null when it waits (image, error). */
    private ContainerRecord createContainer(Pod pod, PodState state, Container c, int attempt, String sandboxId,
                                            String podIp, boolean init) {
        String uid = pod.getMetadata().getUid();
        if (!ensureImage(pod, state, c)) {
            return null;
        }
        Map<String, String> vars = env.resolve(pod, c, services.get(), podIp, options.nodeIp(), options.cpuMillis(), options.memoryBytes());
        List<String> envList = new ArrayList<>();
        vars.forEach((k, v) -> envList.add(k + "=" + v));
        Map<String, String> labels = labels(pod, RuntimeLabels.TYPE_CONTAINER);
        labels.put(RuntimeLabels.CONTAINER_NAME, c.getName());
        labels.put(RuntimeLabels.ATTEMPT, String.valueOf(attempt));
        labels.put(RuntimeLabels.CONTAINER_KIND, init ? "init" : "app");
        var limits = c.getResources() == null || c.getResources().getLimits() == null ? Map.<String, Quantity>of() : c.getResources().getLimits();
        var requests = c.getResources() == null || c.getResources().getRequests() == null ? Map.<String, Quantity>of() : c.getResources().getRequests();
        Long memory = limits.containsKey("memory") ? Quantity.getAmountInBytes(limits.get("memory")).longValue() : null;
        Long nanoCpus = limits.containsKey("cpu") ? Quantity.getAmountInBytes(limits.get("cpu")).multiply(BigDecimal.valueOf(1_000_000_000L)).longValue() : null;
        Long shares = requests.containsKey("cpu")
                ? Math.max(2L, Quantity.getAmountInBytes(requests.get("cpu")).multiply(BigDecimal.valueOf(1024)).longValue()) : null;
        ContainerSpec spec = new ContainerSpec(
                "k8s_" + c.getName() + "_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "_" + uid + "_" + attempt,
                c.getImage(), expand(c.getCommand(), vars), expand(c.getArgs(), vars), c.getWorkingDir(), envList, labels,
                volumes.mounts(pod, c, state.volumes), memory, nanoCpus, shares, Boolean.TRUE.equals(c.getTty()), Boolean.TRUE.equals(c.getStdin()));
        String id;
        try {
            id = runtime.createContainer(sandboxId, spec);
        } catch (RuntimeFailure e) {
            state.waiting.put(c.getName(), PodStatusBuilder.waiting("CreateContainerError", e.getMessage()));
            events.warning(pod, fieldPath(pod, c), "Failed", "Error: " + e.getMessage());
            workers.enqueueAfter(uid, options.backoffBase());
            return null;
        }
        state.touched.add(id);
        events.normal(pod, fieldPath(pod, c), "Created", "Created container " + c.getName());
        return new ContainerRecord(id, labels, ContainerRecord.State.CREATED, 0, false, null, Instant.now(), null, null,
                c.getImage(), null);
    }

    /**
     * The records of the sync's start with those it created, started, stopped or removed looked at again: what
     * nobody touched changed only if a container exited meanwhile, which the next relist finds.
     */
    private List<ContainerRecord> refreshed(List<ContainerRecord> records, Set<String> touched) {
        if (touched.isEmpty()) {
            return records;
        }
        List<ContainerRecord> out = new ArrayList<>(records.size() + 1);
        Set<String> seen = new HashSet<>();
        for (ContainerRecord r : records) {
            seen.add(r.id());
            if (touched.contains(r.id())) {
                runtime.inspect(r.id()).ifPresent(out::add);
            } else {
                out.add(r);
            }
        }
        for (String id : touched) {
            if (!seen.contains(id)) {
                runtime.inspect(id).ifPresent(out::add);
            }
        }
        return out;
    }

    /** True when the image is on the node; otherwise records why the container waits. */
    private boolean ensureImage(Pod pod, PodState state, Container c) {
        String image = c.getImage();
        String policy = c.getImagePullPolicy() == null ? (image.endsWith(":latest") || !image.contains(":") ? "Always" : "IfNotPresent")
                : c.getImagePullPolicy();
        boolean present = runtime.imageId(image).isPresent();
        if (present && !"Always".equals(policy)) {
            events.normal(pod, fieldPath(pod, c), "Pulled", "Container image \"" + image + "\" already present on machine");
            return true;
        }
        if ("Never".equals(policy)) {
            String message = "Container image \"" + image + "\" is not present with pull policy of Never";
            state.waiting.put(c.getName(), PodStatusBuilder.waiting("ErrImageNeverPull", message));
            events.warning(pod, fieldPath(pod, c), "ErrImageNeverPull", message);
            return false;
        }
        ContainerBackoff backoff = state.pullBackoff(image, options.backoffBase(), options.backoffMax());
        Instant now = Instant.now();
        if (!backoff.delay().isZero() && state.lastPullFailure(image) != null
                && now.isBefore(backoff.retryAt(state.lastPullFailure(image), null))) {
            String message = "Back-off pulling image \"" + image + "\"";
            state.waiting.put(c.getName(), PodStatusBuilder.waiting("ImagePullBackOff", message));
            events.normal(pod, fieldPath(pod, c), "BackOff", message);
            workers.enqueueAfter(pod.getMetadata().getUid(), Duration.between(now, backoff.retryAt(state.lastPullFailure(image), null)).plusMillis(10));
            return false;
        }
        events.normal(pod, fieldPath(pod, c), "Pulling", "Pulling image \"" + image + "\"");
        long start = System.nanoTime();
        try {
            runtime.pullImage(image);
            backoff.clear();
            events.normal(pod, fieldPath(pod, c), "Pulled", "Successfully pulled image \"" + image + "\" in "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + "ms");
            return true;
        } catch (RuntimeFailure e) {
            backoff.step();
            state.pullFailed(image, Instant.now());
            state.waiting.put(c.getName(), PodStatusBuilder.waiting("ErrImagePull", e.getMessage()));
            events.warning(pod, fieldPath(pod, c), "Failed", "Failed to pull image \"" + image + "\": " + e.getMessage());
            events.warning(pod, fieldPath(pod, c), "Failed", "Error: ErrImagePull");
            workers.enqueueAfter(pod.getMetadata().getUid(), backoff.delay().plusMillis(10));
            return false;
        }
    }

    private ContainerRecord inspectSandbox(String id) {
        return runtime.inspect(id).orElseThrow(() -> new RuntimeFailure("sandbox " + id + " vanished after it started"));
    }

    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Starts a new sandbox for the pod, after removing the dead one and stopping what ran in it; its id. */
    private String runSandbox(Pod pod, List<ContainerRecord> records, ContainerRecord dead, Consumer<String> whileStarting) {
        int attempt = 0;
        if (dead != null) {
            // the pod's network is gone with its sandbox: every container starts again in a new one
            for (ContainerRecord r : records) {
                if (r.running()) {
                    runtime.stopContainer(r.id(), Duration.ZERO);
                } else if (r.state() == ContainerRecord.State.CREATED && !r.isSandbox()) {
                    // made for the dead sandbox's network: it can never start in the new one
                    runtime.removeContainer(r.id());
                }
            }
            runtime.removeContainer(dead.id());
            attempt = dead.attempt() + 1;
        }
        List<SandboxSpec.HostPort> hostPorts = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            for (ContainerPort p : EnvResolver.list(c.getPorts())) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    hostPorts.add(new SandboxSpec.HostPort(p.getHostIP() == null || p.getHostIP().isEmpty() ? options.nodeIp() : p.getHostIP(),
                            p.getHostPort(), p.getContainerPort(), p.getProtocol() == null ? "TCP" : p.getProtocol()));
                }
            }
        }
        Map<String, String> labels = labels(pod, RuntimeLabels.TYPE_SANDBOX);
        labels.put(RuntimeLabels.ATTEMPT, String.valueOf(attempt));
        String hostname = pod.getSpec().getHostname() != null ? pod.getSpec().getHostname() : pod.getMetadata().getName();
        if (hostname.length() > 63) {
            hostname = hostname.substring(0, 63);
        }
        String name = "k8s_POD_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "_"
                + pod.getMetadata().getUid() + "_" + attempt;
        return runtime.runSandbox(new SandboxSpec(name, hostname, labels, hostPorts, List.of(), List.of()), whileStarting);
    }

    /** Graceful deletion: SIGTERM every container, SIGKILL after the grace period, then finish the API delete. */
    private void terminate(Pod pod, PodState state, List<ContainerRecord> records) {
        Duration grace = grace(pod);
        if (!state.killing) {
            state.killing = true;
            for (ContainerRecord r : records) {
                if (r.running() && !r.isSandbox()) {
                    Container c = container(pod, r.containerName());
                    events.normal(pod, c == null ? null : fieldPath(pod, c), "Killing", "Stopping container " + r.containerName());
                }
            }
        }
        stopAll(records, grace);
        String uid = pod.getMetadata().getUid();
        teardown(uid, runtime.list(options.nodeName(), uid), Duration.ZERO);
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private void stopAll(List<ContainerRecord> records, Duration grace) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ContainerRecord r : records) {
            if (r.running() && !r.isSandbox()) {
                stops.add(CompletableFuture.runAsync(() -> runtime.stopContainer(r.id(), grace), stoppers));
            }
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }

    /** Removes everything of a pod that is gone from the API. */
    private void teardown(String uid, List<ContainerRecord> records, Duration grace) {
        prober.forget(uid);
        stopAll(records, grace);
        for (ContainerRecord r : records) {
            runtime.removeContainer(r.id());
        }
        volumes.cleanup(uid);
        objects.forget(uid);
        tokens.forget(uid);
        states.remove(uid);
        workers.forget(uid);
    }

    /** Keeps the current instance of each container and the one before it, for logs --previous. */
    private void removeOldInstances(List<ContainerRecord> records) {
        Map<String, List<ContainerRecord>> byName = new HashMap<>();
        for (ContainerRecord r : records) {
            if (!r.isSandbox()) {
                byName.computeIfAbsent(r.containerName(), k -> new ArrayList<>()).add(r);
            }
        }
        for (List<ContainerRecord> list : byName.values()) {
            list.sort((a, b) -> Integer.compare(b.attempt(), a.attempt()));
            for (int i = 2; i < list.size(); i++) {
                if (!list.get(i).running()) {
                    runtime.removeContainer(list.get(i).id());
                }
            }
        }
    }

    private void report(Pod pod, PodState state, PodStatus status) {
        if (status.equals(state.lastSent) || state.lastSent == null && status.equals(pod.getStatus())) {
            return;
        }
        try {
            // one PATCH: the DSL's patch would GET the pod first
            MergePatch.send(client, "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/"
                    + pod.getMetadata().getName() + "/status", Map.of("status", status));
            state.lastSent = status;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return;
            }
            throw e;
        }
    }

    private void unhealthy(String podAndContainer, String message) {
        int slash = podAndContainer.indexOf('/');
        Pod pod = pods.apply(podAndContainer.substring(0, slash));
        if (pod != null) {
            Container c = container(pod, podAndContainer.substring(slash + 1));
            events.warning(pod, c == null ? null : fieldPath(pod, c), "Unhealthy", message);
        }
    }

    private Map<String, String> labels(Pod pod, String type) {
        Map<String, String> labels = new HashMap<>();
        labels.put(RuntimeLabels.NODE, options.nodeName());
        labels.put(RuntimeLabels.TYPE, type);
        labels.put(RuntimeLabels.POD_UID, pod.getMetadata().getUid());
        labels.put(RuntimeLabels.POD_NAME, pod.getMetadata().getName());
        labels.put(RuntimeLabels.POD_NAMESPACE, pod.getMetadata().getNamespace());
        return labels;
    }

    private static Container container(Pod pod, String name) {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        for (Container c : EnvResolver.list(pod.getSpec().getInitContainers())) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static String fieldPath(Pod pod, Container c) {
        boolean init = EnvResolver.list(pod.getSpec().getInitContainers()).contains(c);
        return (init ? "spec.initContainers{" : "spec.containers{") + c.getName() + "}";
    }

    private static Duration grace(Pod pod) {
        Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (seconds == null) {
            seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return Duration.ofSeconds(seconds == null ? 30 : seconds);
    }

    private static List<String> expand(List<String> values, Map<String, String> vars) {
        return EnvResolver.list(values).stream().map(v -> EnvResolver.expand(v, vars)).toList();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() / 1000.0 + "s";
    }

    /** Syncs every pod with containers on the node, the ones gone from the API included. */
    public void syncAll(Set<String> podUids) {
        podUids.forEach(workers::enqueue);
    }

    @Override
    public void close() {
        workers.close();
        objects.close();
        prober.close();
        stoppers.shutdownNow();
    }
}
