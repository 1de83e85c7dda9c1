package io.coxswain.kubelet;

import io.coxswain.api.health.HealthCheck;
import io.coxswain.api.health.HealthEndpoints;
import io.coxswain.client.DaemonThreads;
import io.coxswain.client.EventRecorder;
import io.coxswain.kubelet.node.NodeAgent;
import io.coxswain.kubelet.pods.PodSyncer;
import io.coxswain.kubelet.runtime.ContainerRuntime;
import io.coxswain.kubelet.pods.KubeletMetrics;
import io.coxswain.kubelet.server.KubeletServer;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.metrics.MetricsEndpoint;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One node's kubelet: it registers the Node and keeps its Lease, watches the pods bound to it, and hands each to
 * its pod worker. A relist of the engine's containers every second (the PLEG) notices exits and orphans, and the
 * log endpoint serves {@code kubectl logs} through the apiserver.
 */
public final class Kubelet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

    private final KubeletOptions options;
    private final ContainerRuntime runtime;
    private final Vertx vertx;
    private static final String BY_UID = "uid";
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, DaemonThreads.named("kubelet-timer"));
    private final ScheduledExecutorService probeTimer = Executors.newScheduledThreadPool(4, DaemonThreads.named("kubelet-probe"));
    private final EventRecorder events;
    private final NodeAgent node;
    private final PodSyncer syncer;
    private final SyncLoopMonitor syncLoop;
    private SharedIndexInformer<Pod> podInformer;
    private SharedIndexInformer<Service> serviceInformer;
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Node> nodeInformer;
    private String serverDeployment;
    private Map<String, String> lastFingerprints = Map.of();
    /** The registry it made for itself when given none, closed with it. */
    private ComponentMetrics ownedMetrics;

    private Kubelet(Vertx vertx, KubernetesClient client, KubeletOptions options, ContainerRuntime runtime, int port,
                    SyncLoopMonitor syncLoop, ComponentMetrics metrics) {
        this.syncLoop = syncLoop;
        this.vertx = vertx;
        this.options = options;
        this.runtime = runtime;
        this.events = new EventRecorder(client, "kubelet", options.nodeName());
        this.node = new NodeAgent(client, new NodeAgent.NodeInfo(options.nodeName(), options.nodeIp(), options.cpuMillis(),
                options.memoryBytes(), options.maxPods(), port, options.labels(), runtime.version(), options.leaseDuration(),
                options.podCidr()));
        this.syncer = new PodSyncer(options, runtime, client, this::pod, this::services, events, probeTimer,
                new KubeletMetrics(metrics.registry()));
    }

    /** Prepares the runtime, serves logs (plain HTTP, to anyone), registers the node, and starts running its pods. */
    public static Kubelet start(Vertx vertx, KubernetesClient client, KubeletOptions options, ContainerRuntime runtime) {
        return start(vertx, client, options, runtime, (io.vertx.core.net.KeyCertOptions) null, null);
    }

    /**
     * As {@link #start(Vertx, KubernetesClient, KubeletOptions, ContainerRuntime)}; given a serving certificate (team
     * mode), its server speaks HTTPS and checks its callers with TokenReviews and SubjectAccessReviews through
     * {@code client}, as kube's kubelet with {@code --authentication-token-webhook --authorization-mode=Webhook}.
     *
     * @param serving  the serving certificate, or null for plain HTTP open to anyone
     * @param clientCa the cluster CA (PEM) whose client certificates it takes, or null for tokens only
     */
    public static Kubelet start(Vertx vertx, KubernetesClient client, KubeletOptions options, ContainerRuntime runtime,
                                io.vertx.core.net.KeyCertOptions serving, String clientCa) {
        ComponentMetrics metrics = new ComponentMetrics();
        Kubelet kubelet = start(vertx, client, options, runtime, serving, clientCa, metrics);
        kubelet.ownedMetrics = metrics;
        return kubelet;
    }

    /**
     * As above, with the kubelet's metrics in {@code metrics}, served at {@code /metrics} of its server (behind the
     * same checks as the rest of its API: subresource nodes/metrics).
     */
    public static Kubelet start(Vertx vertx, KubernetesClient client, KubeletOptions options, ContainerRuntime runtime,
                                io.vertx.core.net.KeyCertOptions serving, String clientCa, ComponentMetrics metrics) {
        KubeletServer.Secure secure = serving == null ? null : new KubeletServer.Secure(serving, clientCa,
                new io.coxswain.kubelet.server.KubeletAuth(vertx, options.nodeName(), io.coxswain.kubelet.server.KubeletAuth.apiReviewer(client)));
        return start(vertx, client, options, runtime, secure, metrics);
    }

    private static Kubelet start(Vertx vertx, KubernetesClient client, KubeletOptions options, ContainerRuntime runtime,
                                 KubeletServer.Secure secure, ComponentMetrics metrics) {
        runtime.prepare();
        SyncLoopMonitor syncLoop = new SyncLoopMonitor(options.relistInterval());
        // kube's kubelet /healthz: ping, and the sync loop is running
        HealthEndpoints health = new HealthEndpoints().endpoint("healthz", HealthCheck.ping(), syncLoop.check());
        KubeletServer server = new KubeletServer(runtime, options.nodeName(), options.nodeIp(), options.serverPort(), secure, health,
                new MetricsEndpoint(metrics));
        String deployment = vertx.deployVerticle(server).await();
        Kubelet kubelet = new Kubelet(vertx, client, options, runtime, server.port(), syncLoop, metrics);
        kubelet.serverDeployment = deployment;
        kubelet.run(client);
        return kubelet;
    }

    private void run(KubernetesClient client) {
        if (options.podCidr() != null) {
            runtime.updatePodCidr(options.podCidr());
        }
        String podCidr = node.register(networkNotReady());
        if (podCidr != null) {
            runtime.updatePodCidr(podCidr);
        }
        node.renewLease();
        // node IPAM's allocation comes after the registration: the pod network is ready, and the node Ready, once it does
        nodeInformer = client.nodes().withField("metadata.name", options.nodeName()).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(io.fabric8.kubernetes.api.model.Node n) {
                podCidrOf(n);
            }

            @Override
            public void onUpdate(io.fabric8.kubernetes.api.model.Node old, io.fabric8.kubernetes.api.model.Node n) {
                podCidrOf(n);
            }

            @Override
            public void onDelete(io.fabric8.kubernetes.api.model.Node n, boolean unknownFinalState) {
            }
        }, 0);
        serviceInformer = client.services().inAnyNamespace().inform();
        try {
            Set<String> uids = new HashSet<>();
            runtime.summaries(options.nodeName()).values().forEach(s -> uids.add(s.podUid()));
            syncer.startedWith(uids);
        } catch (RuntimeException e) {
            LOG.warn("could not list the containers of node {}: {}", options.nodeName(), e.toString());
        }
        podInformer = client.pods().inAnyNamespace().withField("spec.nodeName", options.nodeName()).runnableInformer(60_000);
        // syncs read the informer's cache, which is complete once it has started; handlers run later, on their own thread
        podInformer.addIndexers(Map.of(BY_UID, p -> List.of(p.getMetadata().getUid())));
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                syncer.workers().enqueue(pod.getMetadata().getUid());
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                // a status-only change is most often the kubelet's own report: the sync that sent it knew all of it
                if (!statusOnly(old, pod)) {
                    onAdd(pod);
                }
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                syncer.workers().enqueue(pod.getMetadata().getUid());
            }
        });
        podInformer.start().toCompletableFuture().join();
        checkAdoptedSandboxes();
        // containers of pods deleted while the kubelet was down: the first relist finds them, their syncs remove them
        relist();
        long relist = options.relistInterval().toMillis();
        timer.scheduleWithFixedDelay(this::relist, relist, relist, TimeUnit.MILLISECONDS);
        long status = options.statusInterval().toMillis();
        timer.scheduleWithFixedDelay(this::heartbeat, status, status, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::collectGarbage, 60, 60, TimeUnit.SECONDS);
        LOG.info("kubelet {} is running on {} ({})", options.nodeName(), options.nodeIp(), runtime.version());
    }

    /**
     * Whether a pod changed only in its status (a resync, with the same resourceVersion, is no such change). A sync
     * reports a status only when it differs from the one it sent last, so a sync for another's status change does
     * nothing either.
     */
    static boolean statusOnly(Pod old, Pod pod) {
        if (old == null || Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
            return false;
        }
        return Objects.equals(old.getSpec(), pod.getSpec()) && withoutVersion(old).equals(withoutVersion(pod));
    }

    private static ObjectMeta withoutVersion(Pod pod) {
        return new ObjectMetaBuilder(pod.getMetadata()).withResourceVersion(null).withManagedFields().build();
    }

    /**
     * The latest pod of this node with this uid from the informer's cache, or null once it is gone from the API. Not a
     * map the event handlers fill: they run after the cache has the pod, so a relist at start would take a pod whose
     * add was not handled yet for a deleted one, and tear down the containers it should adopt.
     */
    private Pod pod(String uid) {
        SharedIndexInformer<Pod> informer = podInformer;
        if (informer == null) {
            return null;
        }
        List<Pod> found = informer.getIndexer().byIndex(BY_UID, uid);
        return found.isEmpty() ? null : found.get(0);
    }

    private List<Service> services() {
        return serviceInformer == null ? List.of() : serviceInformer.getStore().list();
    }

    /** The PLEG: a pod whose containers changed state, or that has containers but no pod any more, gets a sync. */
    private void relist() {
        syncLoop.enter();
        try {
            Map<String, TreeMap<String, String>> byPod = new HashMap<>();
            runtime.summaries(options.nodeName()).forEach((id, s) ->
                    byPod.computeIfAbsent(s.podUid(), k -> new TreeMap<>()).put(id, s.state()));
            Map<String, String> fingerprints = new HashMap<>();
            byPod.forEach((uid, containers) -> fingerprints.put(uid, containers.toString()));
            Set<String> changed = new HashSet<>();
            fingerprints.forEach((uid, f) -> {
                if (!f.equals(lastFingerprints.get(uid)) || pod(uid) == null) {
                    changed.add(uid);
                }
            });
            lastFingerprints = fingerprints;
            syncer.syncAll(changed);
        } catch (RuntimeException e) {
            LOG.warn("relist of node {} failed: {}", options.nodeName(), e.toString());
        }
    }

    /** The Node's pod CIDR for the runtime; the first one makes the node Ready at once, not at the next heartbeat. */
    private void podCidrOf(io.fabric8.kubernetes.api.model.Node n) {
        String cidr = n.getSpec() == null ? null : n.getSpec().getPodCIDR();
        if (cidr == null || cidr.isEmpty()) {
            return;
        }
        boolean wasReady = runtime.networkNotReady().isEmpty();
        try {
            runtime.updatePodCidr(cidr);
        } catch (RuntimeException e) {
            LOG.warn("node {}: the pod network on {} could not be set up: {}", options.nodeName(), cidr, e.getMessage());
            return;
        }
        if (!wasReady && runtime.networkNotReady().isEmpty()) {
            LOG.info("node {}: pod network ready on {}", options.nodeName(), cidr);
            heartbeat();
        }
    }

    /** Why the node is not ready, in the kubelet's words, or null. */
    private String networkNotReady() {
        return runtime.networkNotReady().map(m -> "container runtime network not ready: NetworkReady=false "
                + "reason:NetworkPluginNotReady message:" + m).orElse(null);
    }

    /**
     * A sandbox found running at start was set up by an earlier kubelet: CNI CHECK tells whether its network is still
     * whole. One that fails is stopped, and the pod's next sync gives it a new sandbox, as for a sandbox that died.
     */
    private void checkAdoptedSandboxes() {
        try {
            for (var r : runtime.list(options.nodeName(), null)) {
                if (r.isSandbox() && r.running()) {
                    try {
                        runtime.checkSandboxNetwork(r.id());
                    } catch (RuntimeException e) {
                        LOG.warn("node {}: {}; the sandbox is replaced", options.nodeName(), e.getMessage());
                        runtime.stopContainer(r.id(), java.time.Duration.ZERO);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not check the sandboxes of node {}: {}", options.nodeName(), e.toString());
        }
    }

    private void collectGarbage() {
        try {
            runtime.collectGarbage();
        } catch (RuntimeException e) {
            LOG.warn("garbage collection of node {}'s pod network failed: {}", options.nodeName(), e.toString());
        }
    }

    private synchronized void heartbeat() {
        try {
            node.renewLease();
            node.reportStatusComparingWithApi(networkNotReady());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat of node {} failed: {}", options.nodeName(), e.toString());
        }
    }

    public String nodeName() {
        return options.nodeName();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (podInformer != null) {
            podInformer.close();
        }
        if (serviceInformer != null) {
            serviceInformer.close();
        }
        if (nodeInformer != null) {
            nodeInformer.close();
        }
        syncer.close();
        probeTimer.shutdownNow();
        events.close();
        if (serverDeployment != null) {
            vertx.undeploy(serverDeployment).await();
        }
        runtime.close();
        if (ownedMetrics != null) {
            ownedMetrics.close();
        }
    }
}
