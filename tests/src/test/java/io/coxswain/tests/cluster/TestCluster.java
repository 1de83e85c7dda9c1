package io.coxswain.tests.cluster;

import io.coxswain.apiserver.ApiServer;
import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.store.Store;
import io.coxswain.store.embedded.EmbeddedStore;
import io.coxswain.store.etcd.EtcdStore;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * A real Coxswain control plane for end-to-end tests: a store (embedded in a data directory, or etcd) and
 * the apiserver on a free loopback port, plus a kubeconfig that points kubectl and fabric8 at it. It can be
 * restarted on the same data to check persistence.
 */
public final class TestCluster implements AutoCloseable {

    private final Path dataDir;
    private final Supplier<Store> storeFactory;
    private final ApiServerOptions options;
    private Vertx vertx;
    private Store store;
    private ApiServer apiServer;
    private Path kubeconfig;

    private TestCluster(Path dataDir, Supplier<Store> storeFactory, ApiServerOptions options) {
        this.dataDir = dataDir;
        this.storeFactory = storeFactory;
        this.options = options;
    }

    /** The embedded store in {@code dataDir}, the apiserver on a free port. */
    public static TestCluster embedded(Path dataDir) throws IOException {
        return embedded(dataDir, ApiServerOptions.defaults());
    }

    public static TestCluster embedded(Path dataDir, ApiServerOptions options) throws IOException {
        TestCluster cluster = new TestCluster(dataDir, () -> EmbeddedStore.open(dataDir.resolve("store")), options.withListen("127.0.0.1", 0));
        cluster.start();
        return cluster;
    }

    /** The apiserver over etcd at these endpoints; {@code dataDir} holds only the kubeconfig. */
    public static TestCluster etcd(Path dataDir, List<String> endpoints) throws IOException {
        TestCluster cluster = new TestCluster(dataDir, () -> new EtcdStore(endpoints), ApiServerOptions.defaults().withListen("127.0.0.1", 0));
        cluster.start();
        return cluster;
    }

    private void start() throws IOException {
        store = storeFactory.get();
        vertx = Vertx.vertx();
        apiServer = new ApiServer(options, store);
        vertx.deployVerticle(apiServer).await();
        kubeconfig = Kubeconfig.write(dataDir, url());
    }

    public String url() {
        return "http://127.0.0.1:" + apiServer.port();
    }

    /** A new fabric8 client of this cluster; the caller closes it. */
    public io.fabric8.kubernetes.client.KubernetesClient newClient() {
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url()).build()).build();
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Store store() {
        return store;
    }

    /** Stops everything and starts it again on the same data (the port changes). */
    public void restart() throws IOException {
        stop();
        start();
    }

    private void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (store != null) {
            store.close();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
