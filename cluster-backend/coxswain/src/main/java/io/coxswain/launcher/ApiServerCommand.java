package io.coxswain.launcher;

import io.coxswain.apiserver.ApiServer;
import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.store.Store;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain apiserver}: the store and the Kubernetes API, nothing else. */
@Command(name = "apiserver", mixinStandardHelpOptions = true, description = "Serve the Kubernetes API over a store.")
final class ApiServerCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Mixin
    ListenOption listen;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Override
    public Integer call() throws Exception {
        Running running = start(store, listen, security);
        if (running.secure()) {
            String url = SecurityOptions.url(listen.host(), running.apiServer().port());
            System.out.println("admin kubeconfig: " + SecurityOptions.writeAdminKubeconfig(store.dataDir, url));
            System.out.println("apiserver listening on " + url);
        } else {
            System.out.println("apiserver listening on http://" + listen.host() + ":" + running.apiServer().port());
        }
        running.awaitShutdown();
        return 0;
    }

    /** Starts the store and the apiserver, and stops both on JVM shutdown. */
    static Running start(StoreOptions storeOptions, ListenOption listen, SecurityOptions security) throws Exception {
        long started = System.nanoTime();
        ApiServerOptions options = ApiServerOptions.defaults().withListen(listen.host(), listen.port())
                .withServiceCidr(listen.serviceRange)
                .withMaxWatchesPerClient(listen.maxWatchesPerClient).withSlowClientMillis(listen.slowClientSeconds * 1000L);
        if (security.enabled(listen.host())) {
            options = options.withSecurity(security.prepare(storeOptions.dataDir, listen.host()));
        }
        Store store = storeOptions.open();
        // the apiserver's registry also takes Vert.x's own figures (HTTP server and client, pools)
        ComponentMetrics metrics = new ComponentMetrics();
        Vertx vertx = ComponentMetrics.instrumentedVertx(metrics.registry());
        ApiServer apiServer = new ApiServer(options, store, metrics);
        vertx.deployVerticle(apiServer).await();
        Running running = new Running(vertx, store, apiServer, (System.nanoTime() - started) / 1_000_000);
        Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "coxswain-shutdown"));
        return running;
    }

    record Running(Vertx vertx, Store store, ApiServer apiServer, long startMillis, java.util.Deque<Runnable> stops) {
        Running(Vertx vertx, Store store, ApiServer apiServer, long startMillis) {
            this(vertx, store, apiServer, startMillis, new java.util.concurrent.ConcurrentLinkedDeque<>());
        }

        boolean secure() {
            return apiServer.secure();
        }

        /** Stops a component before the apiserver and the store, the last added first. */
        void onStop(Runnable stop) {
            stops.push(stop);
        }

        void stop() {
            Runnable next;
            while ((next = stops.poll()) != null) {
                next.run();
            }
            vertx.close().await();
            store.close();
        }

        void awaitShutdown() throws InterruptedException {
            new CountDownLatch(1).await();
        }
    }
}
