package io.coxswain.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.FieldSelector;
import io.coxswain.api.LabelSelector;
import io.coxswain.apiserver.admission.FieldValidation;
import io.coxswain.apiserver.admission.SchemaAdmission;
import io.coxswain.apiserver.admission.ServiceAllocator;
import io.coxswain.apiserver.auth.AuditLog;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.Authorizers;
import io.coxswain.apiserver.auth.Security;
import io.coxswain.apiserver.auth.TokenFile;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.http.Json;
import io.coxswain.apiserver.http.RequestAuth;
import io.coxswain.apiserver.http.Metrics;
import io.coxswain.apiserver.http.PodLogs;
import io.coxswain.apiserver.http.HttpVerticle;
import io.coxswain.apiserver.http.OpenWatches;
import io.coxswain.api.health.HealthCheck;
import io.coxswain.api.health.HealthEndpoints;
import io.coxswain.apiserver.http.Router;
import io.coxswain.apiserver.rbac.BootstrapPolicy;
import io.coxswain.apiserver.certificates.SignerAdmission;
import io.coxswain.apiserver.rbac.EscalationCheck;
import io.coxswain.apiserver.rbac.PolicyWatcher;
import io.coxswain.apiserver.rbac.RbacAuthorizer;
import io.coxswain.apiserver.rbac.RbacPolicy;
import io.coxswain.apiserver.registry.ListOptions;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ObjectStore;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.ResourceRegistry;
import io.coxswain.apiserver.registry.WriteOptions;
import io.coxswain.schemas.ManifestValidator;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.apiserver.registry.StorageMetrics;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.store.InstrumentedStore;
import io.coxswain.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.DeploymentOptions;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The apiserver verticle: it seeds what every cluster has (the system namespaces and the {@code kubernetes}
 * Service), then serves the Kubernetes REST API over HTTP on the configured address.
 */
public final class ApiServer extends VerticleBase {

    private static final WriteOptions SYSTEM = new WriteOptions(false, FieldValidation.STRICT, "coxswain-apiserver");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiServer.class);
    /** What the etcd health check reads: any key will do, present or not. */
    private static final String HEALTH_KEY = "/registry/health";

    private final ApiServerOptions options;
    private final Store store;
    private final ComponentMetrics componentMetrics;
    private final Metrics metrics;
    /** How often the objects in the store are counted for apiserver_storage_objects. */
    private static final long STORAGE_COUNT_MILLIS = 15_000;
    private long storageCounts = -1;
    private volatile int port;
    /** Request work (decoding, admission, encoding) runs here, one thread per core, off the event loop. */
    private final java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), io.coxswain.store.DeliveryPool.daemonThreads("apiserver-work"));
    private ObjectService service;
    private TokenFile tokens;
    private AuditLog audit;
    private final RbacAuthorizer rbac = new RbacAuthorizer(new RbacPolicy());
    private PolicyWatcher rbacWatcher;
    /** The bootstrap-token Secrets in memory, when team mode authenticates them; null otherwise. */
    private io.coxswain.apiserver.auth.bootstrap.BootstrapTokenIndex bootstrapTokens;
    /** What service account tokens are signed and verified with: team mode's, or a pair for this run without it. */
    private io.coxswain.apiserver.serviceaccount.ServiceAccountKeys serviceAccountKeys;
    /** The ServiceAccounts, Pods, Nodes and token Secrets that tokens are checked against, in team mode; null otherwise. */
    private io.coxswain.apiserver.serviceaccount.BoundObjects boundObjects;
    /** Every ServiceAccount in memory: for the ServiceAccount admission plugin, and for tokens in team mode. */
    private io.coxswain.apiserver.serviceaccount.ServiceAccountIndex serviceAccounts;
    private Authorizer requestAuthorizer;
    /** Team mode's Node authorizer graph: the pods bound to nodes and what they reference, kept from the store. */
    private final io.coxswain.apiserver.auth.NodeGraph nodeGraph;
    private final java.util.concurrent.atomic.AtomicBoolean shuttingDown = new java.util.concurrent.atomic.AtomicBoolean();
    private final OpenWatches openWatches = new OpenWatches();
    private final List<HttpVerticle> servers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ApiServer(ApiServerOptions options, Store store) {
        this(options, store, new ComponentMetrics());
    }

    /** @param metrics the apiserver's registry: its requests, its store's latency and size, and the JVM's figures */
    public ApiServer(ApiServerOptions options, Store store, ComponentMetrics metrics) {
        this.options = options;
        this.componentMetrics = metrics;
        this.metrics = new Metrics(metrics);
        this.store = new InstrumentedStore(store, metrics.registry());
        this.nodeGraph = new io.coxswain.apiserver.auth.NodeGraph(this.store);
    }

    @Override
    public Future<?> start() {
        ServiceAllocator allocator = new ServiceAllocator(options.serviceCidr());
        // loading and compiling the schemas takes a while: not on the event loop
        return vertx.executeBlocking(() -> {
            port = options.port() == 0 ? freePort(options.host()) : options.port();
            serviceAccounts = new io.coxswain.apiserver.serviceaccount.ServiceAccountIndex(store);
            var podAdmission = options.disabledAdmission().contains("ServiceAccount") ? null
                    : new io.coxswain.apiserver.admission.ServiceAccountAdmission(serviceAccounts::lookup, options.security() != null);
            ResourceRegistry registry = new ResourceRegistry(SchemaCatalog.standard(),
                    KindStrategies.standard(allocator, podAdmission == null ? null : podAdmission::admit));
            service = new ObjectService(registry, new ObjectStore(store), new SchemaAdmission(ManifestValidator.standard()),
                    Clock.systemUTC());
            // the authorizer requests go through: RBAC unless the options name another (a test's, say); team mode's chain first
            Authorizer configured = options.authorizer() == null ? rbac : options.authorizer().apply(service);
            requestAuthorizer = options.security() == null ? configured : Authorizers.teamMode(configured, nodeGraph);
            service.guard(ObjectService.WriteGuard.all(new EscalationCheck(rbac), new SignerAdmission(requestAuthorizer)));
            StorageMetrics storage = new StorageMetrics(store, registry, componentMetrics.registry());
            storage.refresh();
            storageCounts = vertx.setPeriodic(STORAGE_COUNT_MILLIS, id -> workers.execute(storage::refresh));
            return registry;
        }).compose(registry -> Future.fromCompletionStage(restoreAllocations(registry, allocator)
                        .thenCompose(v -> seed(registry, allocator))
                        .thenCompose(v -> bootstrapRbac(registry))
                        .thenCompose(v -> kubernetesEndpoints().ensure())
                        .thenCompose(v -> {
                            rbacWatcher = new PolicyWatcher(store, rbac.policy());
                            return rbacWatcher.start();
                        })
                        .thenCompose(v -> {
                            if (options.security() == null || !options.security().bootstrapTokenAuth()) {
                                return CompletableFuture.completedFuture(null);
                            }
                            bootstrapTokens = new io.coxswain.apiserver.auth.bootstrap.BootstrapTokenIndex(store);
                            return bootstrapTokens.startRetrying();
                        })
                        .thenCompose(v -> serviceAccounts.start())
                        .thenCompose(v -> {
                            if (options.security() == null) {
                                return CompletableFuture.completedFuture(null);
                            }
                            boundObjects = new io.coxswain.apiserver.serviceaccount.BoundObjects(store, serviceAccounts);
                            return boundObjects.start().thenCompose(x -> nodeGraph.start());
                        }), context))
                .compose(v -> {
                    String address = options.host() + ":" + port;
                    io.vertx.ext.web.Router router = Router.create(vertx, service, metrics, options.maxBodyBytes(),
                            options.maxReadInflight(), options.maxMutatingInflight(), options.bookmarkMillis(), address, workers,
                            requestAuth(), rbac, options.maxWatchesPerClient(), PodLogs.kubeletClientOptions(options.security()),
                            health(), openWatches, serviceAccountTokens());
                    int loops = Math.max(2, Runtime.getRuntime().availableProcessors());
                    return vertx.deployVerticle(() -> {
                                HttpVerticle server = new HttpVerticle(router, options.host(), port, options.security(), options.slowClientMillis());
                                servers.add(server);
                                return server;
                            },
                            new DeploymentOptions().setInstances(loops));
                });
    }

    /**
     * kube-apiserver's checks: {@code ping}; {@code etcd}, a read of the store (on a worker, within 2 s, as
     * {@code --etcd-healthcheck-timeout}); {@code informer-sync}, the RBAC policy's watches are listed and open; and,
     * for readyz only, {@code shutdown}, which fails from the moment shutdown begins.
     */
    private HealthEndpoints health() {
        HealthCheck ping = HealthCheck.ping();
        HealthCheck etcd = new HealthCheck("etcd", () -> CompletableFuture.supplyAsync(() -> store.get(HEALTH_KEY), workers)
                .thenCompose(read -> read).orTimeout(2, java.util.concurrent.TimeUnit.SECONDS));
        HealthCheck informers = HealthCheck.of("informer-sync", () -> rbacWatcher != null && rbacWatcher.synced()
                        && (bootstrapTokens == null || bootstrapTokens.synced()) && serviceAccounts.synced()
                        && (boundObjects == null || boundObjects.synced())
                        && (options.security() == null || nodeGraph.synced()),
                "the RBAC policy's, the bootstrap tokens' the service accounts' or the node graph's watches are not all listed and open");
        HealthCheck shutdown = HealthCheck.of("shutdown", () -> !shuttingDown.get(), "the apiserver is shutting down");
        return new HealthEndpoints().endpoint("healthz", ping, etcd).endpoint("livez", ping, etcd)
                .endpoint("readyz", ping, etcd, informers, shutdown);
    }

    /**
     * kube-apiserver's graceful termination: readyz fails at once ({@code [-]shutdown}) while every request is still
     * served for {@code delay} (its {@code --shutdown-delay-duration}), so that load balancers and clients move away;
     * then the watches end cleanly, the servers stop accepting, and in-flight requests have up to {@code timeout} to
     * be answered. Completes when the servers are drained; stopping Vert.x and the store comes after.
     */
    public Future<Void> shutdown(java.time.Duration delay, java.time.Duration timeout) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        LOG.info("shutting down: readyz fails from now on; requests are served for {} ms more, then drained for up to {} ms",
                delay.toMillis(), timeout.toMillis());
        // out of the kubernetes Service first, so that pods stop being sent here while requests are still served
        Future.fromCompletionStage(kubernetesEndpoints().remove());
        return vertx.timer(delay.toMillis()).compose(t -> {
            int watches = openWatches.size();
            openWatches.endAll();
            return Future.all(servers.stream().map(s -> s.drain(timeout)).toList()).<Void>mapEmpty()
                    .onComplete(done -> LOG.info("drained: {} watches ended, in-flight requests answered; stopping", watches));
        });
    }

    /** Whether shutdown has begun. */
    public boolean shuttingDown() {
        return shuttingDown.get();
    }

    private io.coxswain.apiserver.controlplane.KubernetesEndpoints kubernetesEndpoints() {
        return new io.coxswain.apiserver.controlplane.KubernetesEndpoints(service, SYSTEM, options.endpointAddress(), port);
    }

    /** Team mode's pipeline steps, or null without team mode. */
    private RequestAuth requestAuth() {
        Security security = options.security();
        if (security == null) {
            return null;
        }
        tokens = TokenFile.watch(security.tokenFile());
        try {
            audit = security.auditLog() == null ? null : AuditLog.open(security.auditLog(), security.auditRotation());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not open the audit log " + security.auditLog(), e);
        }
        var accounts = new io.coxswain.apiserver.serviceaccount.ServiceAccountTokenAuthenticator(serviceAccountKeys(), boundObjects,
                Clock.systemUTC());
        java.util.function.Function<String, java.util.Optional<UserInfo>> bearer = accounts::user;
        if (bootstrapTokens != null) {
            // a bootstrap token (id.secret) is never a JWT, nor the other way round: the order only saves work
            var bootstrap = io.coxswain.apiserver.auth.bootstrap.BootstrapTokenAuthenticator.over(bootstrapTokens);
            bearer = token -> bootstrap.user(token).or(() -> accounts.user(token));
        }
        return new RequestAuth(tokens, bearer, requestAuthorizer, audit, service).nodeGraph(nodeGraph);
    }

    private io.coxswain.apiserver.serviceaccount.ServiceAccountKeys serviceAccountKeys() {
        if (serviceAccountKeys == null) {
            var configured = options.security() == null ? null : options.security().serviceAccountKeys();
            serviceAccountKeys = configured != null ? configured : io.coxswain.apiserver.serviceaccount.ServiceAccountKeys.ephemeral();
        }
        return serviceAccountKeys;
    }

    /** The TokenRequest subresource and the issuer's discovery documents. */
    private io.coxswain.apiserver.serviceaccount.ServiceAccountTokens serviceAccountTokens() {
        var keys = serviceAccountKeys();
        return new io.coxswain.apiserver.serviceaccount.ServiceAccountTokens(
                new io.coxswain.apiserver.serviceaccount.TokenRequests(keys, service, Clock.systemUTC()),
                io.coxswain.apiserver.serviceaccount.IssuerDiscovery.servable(keys)
                        ? new io.coxswain.apiserver.serviceaccount.IssuerDiscovery(keys, null) : null);
    }

    /** Whether it runs in team mode (TLS, authentication, authorization, audit). */
    public boolean secure() {
        return options.security() != null;
    }

    /** RBAC over the roles and bindings in the store, kept current by a watch; what team mode authorizes with. */
    public RbacAuthorizer authorizer() {
        return rbac;
    }

    /** Its metrics: what {@code /metrics} serves. */
    public ComponentMetrics metrics() {
        return componentMetrics;
    }

    /** The port it listens on; the chosen one when the options said 0. */
    public int port() {
        return port;
    }

    /** Every server instance must bind the same port, so a "0" is resolved once, here. */
    private static int freePort(String host) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return probe.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free port on " + host, e);
        }
    }

    private CompletableFuture<Void> restoreAllocations(ResourceRegistry registry, ServiceAllocator allocator) {
        ResourceInfo services = registry.find("v1", "services").orElseThrow();
        ListOptions all = new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null);
        return service.list(services, null, all).thenAccept(list -> list.path("items").forEach(allocator::restore));
    }

    private CompletableFuture<Void> seed(ResourceRegistry registry, ServiceAllocator allocator) {
        ResourceInfo namespaces = registry.find("v1", "namespaces").orElseThrow();
        CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        for (String name : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
            ns.putObject("metadata").put("name", name);
            chain = chain.thenCompose(v -> createIfMissing(namespaces, null, ns));
        }
        ResourceInfo services = registry.find("v1", "services").orElseThrow();
        ObjectNode kubernetes = Json.object().put("apiVersion", "v1").put("kind", "Service");
        kubernetes.putObject("metadata").put("name", "kubernetes").putObject("labels").put("component", "apiserver")
                .put("provider", "kubernetes");
        ObjectNode spec = kubernetes.putObject("spec").put("clusterIP", allocator.firstAddress());
        spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP").put("targetPort", port);
        return chain.thenCompose(v -> createIfMissing(services, "default", kubernetes)).thenApply(v -> null);
    }

    /** kube-apiserver's bootstrap policy (and kubeadm's): the default roles and bindings, created when missing, never overwritten. */
    private CompletableFuture<Void> bootstrapRbac(ResourceRegistry registry) {
        CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        for (BootstrapPolicy.Item item : BootstrapPolicy.items()) {
            ResourceInfo r = registry.find("rbac.authorization.k8s.io/v1", item.plural()).orElseThrow();
            // another apiserver over the same store may create it first: that is as good
            chain = chain.thenCompose(v -> createIfMissing(r, item.namespace(), item.object())
                    .exceptionally(e -> alreadyExists(e) ? null : rethrow(e)));
        }
        return chain.thenApply(v -> null);
    }

    private static Object rethrow(Throwable e) {
        throw e instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(e);
    }

    private CompletableFuture<Object> createIfMissing(ResourceInfo r, String namespace, ObjectNode object) {
        return service.get(r, namespace, object.path("metadata").path("name").asText())
                .handle((existing, error) -> error)
                .thenCompose(missing -> missing == null ? CompletableFuture.completedFuture(null)
                        : service.create(r, namespace, object, SYSTEM).thenApply(w -> (Object) w)
                        .exceptionallyCompose(e -> alreadyExists(e) ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(e)));
    }

    /** Another apiserver over the same store, starting at the same time, created it first: that is as good. */
    private static boolean alreadyExists(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.coxswain.api.ApiException api && "AlreadyExists".equals(api.reason())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Future<?> stop() {
        // The HTTP verticles are this one's children and are undeployed with it.
        vertx.cancelTimer(storageCounts);
        workers.shutdown();
        if (tokens != null) {
            tokens.close();
        }
        if (audit != null) {
            audit.close();
        }
        if (rbacWatcher != null) {
            rbacWatcher.close();
        }
        if (bootstrapTokens != null) {
            bootstrapTokens.close();
        }
        if (boundObjects != null) {
            boundObjects.close();
        }
        if (serviceAccounts != null) {
            serviceAccounts.close();
        }
        if (options.security() != null) {
            nodeGraph.close();
        }
        return Future.succeededFuture();
    }
}
