package io.coxswain.launcher;

import io.coxswain.apiserver.ApiServer;
import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.store.Store;
import io.vertx.core.Vertx;
import io.coxswain.launcher.logs.LogOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain apiserver}: the store and the Kubernetes API, nothing else. */
@Command(name = "apiserver", mixinStandardHelpOptions = true, description = "Serve the Kubernetes API over a store.")
final class ApiServerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @Mixin
    StoreOptions store;

    @Mixin
    ListenOption listen;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Mixin
    ShutdownOptions shutdown = new ShutdownOptions();

    @Override
    public Integer call() throws Exception {
        Running running = start(store, listen, security, shutdown);
        if (running.secure()) {
            String url = SecurityOptions.url(listen.host(), running.apiServer().port());
            LOG.info("admin kubeconfig: {}", SecurityOptions.writeAdminKubeconfig(store.dataDir, url));
            LOG.info("apiserver listening on {}", url);
        } else {
            LOG.info("apiserver listening on http://{}:{}", listen.host(), running.apiServer().port());
        }
        running.awaitShutdown();
        return 0;
    }

    /** Starts the store and the apiserver, and stops both on JVM shutdown (SIGTERM): gracefully, as {@code shutdown} says. */
    static Running start(StoreOptions storeOptions, ListenOption listen, SecurityOptions security, ShutdownOptions shutdown) throws Exception {
        long started = System.nanoTime();
        ApiServerOptions options = ApiServerOptions.defaults().withListen(listen.host(), listen.port())
                .withServiceCidr(listen.serviceRange).withDisabledAdmission(listen.disabledAdmission())
                .withAdvertiseAddress(listen.advertiseAddress)
                .withMaxWatchesPerClient(listen.maxWatchesPerClient).withSlowClientMillis(listen.slowClientSeconds * 1000L);
        if (security.enabled(listen.host())) {
            options = options.withSecurity(security.prepare(storeOptions.dataDir, listen.host(),
                    new io.coxswain.apiserver.admission.ServiceAllocator(listen.serviceRange).firstAddress(), listen.advertiseAddress));
        }
        Store store = storeOptions.open();
        // the apiserver's registry also takes Vert.x's own figures (HTTP server and client, pools)
        ComponentMetrics metrics = new ComponentMetrics();
        Vertx vertx = ComponentMetrics.instrumentedVertx(metrics.registry());
        ApiServer apiServer = new ApiServer(options, store, metrics);
        vertx.deployVerticle(apiServer).await();
        Running running = new Running(vertx, store, apiServer, (System.nanoTime() - started) / 1_000_000, shutdown);
        Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "coxswain-shutdown"));
        return running;
    }

    record Running(Vertx vertx, Store store, ApiServer apiServer, long startMillis, ShutdownOptions shutdown,
                   java.util.Deque<Runnable> stops) {
        Running(Vertx vertx, Store store, ApiServer apiServer, long startMillis, ShutdownOptions shutdown) {
            this(vertx, store, apiServer, startMillis, shutdown, new java.util.concurrent.ConcurrentLinkedDeque<>());
        }

        boolean secure() {
            return apiServer.secure();
        }

        /** Stops a component before the apiserver and the store, the last added first. */
        void onStop(Runnable stop) {
            stops.push(stop);
        }

        /** readyz fails at once; the components (clients of the API) stop; then the apiserver drains, and all closes. */
        void stop() {
            var drained = apiServer.shutdown(shutdown.delay, shutdown.drainTimeout);
            Runnable next;
            while ((next = stops.poll()) != null) {
                next.run();
            }
            try {
                drained.await();
            } catch (RuntimeException e) {
                LOG.warn("the apiserver did not drain cleanly: {}", e.toString());
            }
            vertx.close().await();
            store.close();
        }

        void awaitShutdown() throws InterruptedException {
            new CountDownLatch(1).await();
        }
    }
}
