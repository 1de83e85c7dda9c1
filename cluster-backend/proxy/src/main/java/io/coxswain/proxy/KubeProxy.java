package io.coxswain.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * kube-proxy in iptables mode for one node. It watches Services and EndpointSlices with informers and, on each change
 * (gathered for {@link ProxyOptions#minSyncInterval()}) and every {@link ProxyOptions#syncPeriod()}, rewrites all of its
 * chains in one {@code iptables-restore --noflush} transaction. Syncs run on one thread of their own, never on an
 * informer's or an event loop's thread.
 *
 * <p>{@link #close()} stops watching and leaves the rules in place (a restarted proxy takes them over and resyncs);
 * {@link #cleanup()} removes them.
 */
public final class KubeProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeProxy.class);
    private static final Path ROUTE_LOCALNET = Path.of("/proc/sys/net/ipv4/conf/all/route_localnet");

    private final ProxyOptions options;
    private final ScheduledExecutorService syncer;
    private final CountDownLatch firstSync = new CountDownLatch(1);
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> endpoints;
    /** The kubernetes Service's Endpoints, which no slice mirrors (skip-mirror) when the apiserver is on loopback. */
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.Endpoints> unmirrored;
    private ScheduledFuture<?> pending;
    private long lastSyncNanos = System.nanoTime() - Duration.ofHours(1).toNanos();
    private volatile boolean closed;
    private boolean turnedOnRouteLocalnet;

    private KubeProxy(ProxyOptions options) {
        this.options = options;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "coxswain-proxy-sync");
            t.setDaemon(true);
            return t;
        });
        // close() lets a running sync finish but drops the ones still waiting (a debounce or a retry).
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.syncer = executor;
    }

    /**
     * Prepares the host (the service range's local route, route_localnet when NodePorts answer on 127.0.0.1) and
     * starts watching. The first sync runs once both informers have listed; see {@link #awaitSynced(Duration)}.
     */
    public static KubeProxy start(KubernetesClient client, ProxyOptions options) {
        KubeProxy proxy = new KubeProxy(options);
        if (options.manageLocalRoute()) {
            Host.ensureLocalRoute(options.serviceCidr());
        }
        if (options.localhostNodePorts()) {
            proxy.turnedOnRouteLocalnet = setRouteLocalnet("1");
        }
        ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                proxy.requestSync();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                proxy.requestSync();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                proxy.requestSync();
            }
        };
        proxy.services = client.services().inAnyNamespace().runnableInformer(0);
        // as kube-proxy: headless services get no rules, so their slices are not even watched
        proxy.endpoints = client.discovery().v1().endpointSlices().inAnyNamespace().withoutLabel("service.kubernetes.io/headless")
                .runnableInformer(0);
        // only the control plane's own: default/kubernetes, whose loopback address no slice may hold; any other
        // skip-mirror Endpoints stay unread, so that no namespace editor can point a Service at a node's loopback
        proxy.unmirrored = client.endpoints().inNamespace("default").withField("metadata.name", "kubernetes")
                .withLabel(ServiceEndpoints.SKIP_MIRROR, "true").runnableInformer(0);
        for (SharedIndexInformer<?> informer : List.of(proxy.services, proxy.endpoints, proxy.unmirrored)) {
            informer.addEventHandler(onChange);
            informer.exceptionHandler((started, error) -> {
                LOG.warn("proxy watch failed, retrying: {}", error.toString());
                return true;
            });
        }
        proxy.services.start().thenCombine(proxy.endpoints.start(), (a, b) -> b).thenCombine(proxy.unmirrored.start(), (a, b) -> b)
                .whenComplete((v, error) -> {
            if (error != null) {
                LOG.error("proxy informers did not start: {}", error.toString());
            }
            proxy.requestSync();
        });
        long period = options.syncPeriod().toMillis();
        proxy.syncer.scheduleWithFixedDelay(proxy::requestSync, period, period, TimeUnit.MILLISECONDS);
        LOG.info("proxy for node {} started: chains {}-*, service range {}, NodePorts {}-{}", options.nodeName(),
                options.chainPrefix(), options.serviceCidr(), options.nodePortMin(), options.nodePortMax());
        return proxy;
    }

    /** Waits until the rules have been written once from a full view of Services and EndpointSlices. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return firstSync.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public ProxyOptions options() {
        return options;
    }

    /**
     * Asks for a sync. Requests that come while one is pending are folded into it, and syncs are at least
     * {@link ProxyOptions#minSyncInterval()} apart, so a burst of changes costs one or two rewrites.
     */
    private synchronized void requestSync() {
        if (closed || pending != null) {
            return;
        }
        long sinceLast = System.nanoTime() - lastSyncNanos;
        long delay = Math.max(options.minSyncInterval().toNanos() - sinceLast, options.minSyncInterval().toNanos() / 4);
        pending = syncer.schedule(this::sync, delay, TimeUnit.NANOSECONDS);
    }

    private void sync() {
        synchronized (this) {
            // A change seen from here on asks for another sync; this one may have read the stores before it.
            pending = null;
            lastSyncNanos = System.nanoTime();
        }
        if (closed || !services.hasSynced() || !endpoints.hasSynced() || !unmirrored.hasSynced()) {
            return;
        }
        long started = System.nanoTime();
        try {
            if (options.manageLocalRoute()) {
                Host.ensureLocalRoute(options.serviceCidr());
            }
            List<Service> serviceList = services.getStore().list();
            List<EndpointSlice> slices = new java.util.ArrayList<>(endpoints.getStore().list());
            unmirrored.getStore().list().forEach(e -> slices.addAll(ServiceEndpoints.slicesOf(e)));
            RuleSet rules = RuleSet.compute(serviceList, slices, options);
            Host.restore(rules.restoreText(Host.save()));
            firstSync.countDown();
            LOG.debug("synced {} services in {} ms", serviceList.size(), (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.error("proxy sync failed; retrying in 1 s: {}", e.getMessage());
            synchronized (this) {
                if (!closed && pending == null) {
                    pending = syncer.schedule(this::sync, 1, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Stops watching; the rules stay, so traffic keeps flowing until a new proxy takes over. */
    @Override
    public void close() {
        closed = true;
        if (services != null) {
            services.close();
        }
        if (endpoints != null) {
            endpoints.close();
        }
        if (unmirrored != null) {
            unmirrored.close();
        }
        syncer.shutdown();
        try {
            if (!syncer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a proxy sync was still running after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops watching, then removes every chain and hook of this proxy (and its local route if it manages it). */
    public void cleanup() {
        close();
        cleanup(options);
        if (turnedOnRouteLocalnet) {
            setRouteLocalnet("0");
        }
    }

    /**
     * Removes every chain with this options' prefix and every jump into them, and the service range's local route when
     * {@link ProxyOptions#manageLocalRoute()}; for a proxy that is not running (e.g. {@code coxswain proxy --cleanup}).
     * It leaves net.ipv4.conf.all.route_localnet alone (the instance method turns it back off if it turned it on).
     */
    public static void cleanup(ProxyOptions options) {
        String text = Host.save().removalText(options.chainPrefix());
        if (!text.isEmpty()) {
            Host.restore(text);
        }
        if (options.manageLocalRoute()) {
            Host.removeLocalRoute(options.serviceCidr());
        }
        LOG.info("removed the {}-* chains", options.chainPrefix());
    }

    /** Sets net.ipv4.conf.all.route_localnet; true when it changed. */
    private static boolean setRouteLocalnet(String value) {
        try {
            if (Files.readString(ROUTE_LOCALNET).strip().equals(value)) {
                return false;
            }
            Files.writeString(ROUTE_LOCALNET, value);
            LOG.info("set net.ipv4.conf.all.route_localnet={}{}", value, value.equals("1") ? " so that NodePorts answer on 127.0.0.1" : "");
            return true;
        } catch (IOException e) {
            LOG.warn("cannot set net.ipv4.conf.all.route_localnet={} ({})", value, e.getMessage());
            return false;
        }
    }
}
