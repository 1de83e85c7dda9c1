package io.coxswain.tests.cluster;

import io.coxswain.apiserver.ApiServer;
import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.apiserver.auth.Pki;
import io.coxswain.apiserver.auth.Security;
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
 * the apiserver on a free loopback port, secured as {@code coxswain apiserver} is by default: TLS from the CA in
 * {@code <dataDir>/pki}, client certificates and bearer tokens ({@code <dataDir>/tokens.csv}), RBAC, the audit log
 * {@code <dataDir>/audit.log}. Tests reach it through the admin kubeconfig {@code <dataDir>/kubeconfig} (system:admin
 * in system:masters, a client certificate): kubectl, fabric8 ({@link #newClient()}) and raw HTTP ({@link #http()}).
 * It can be restarted on the same data to check persistence.
 */
public final class TestCluster implements AutoCloseable {

    private final Path dataDir;
    private final Supplier<Store> storeFactory;
    private final ApiServerOptions options;
    private Vertx vertx;
    private Store store;
    private ApiServer apiServer;
    private Path kubeconfig;
    private AdminHttp http;

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

    /** The apiserver over etcd at these endpoints; {@code dataDir} holds only the PKI, the kubeconfig and the audit log. */
    public static TestCluster etcd(Path dataDir, List<String> endpoints) throws IOException {
        TestCluster cluster = new TestCluster(dataDir, () -> new EtcdStore(endpoints), ApiServerOptions.defaults().withListen("127.0.0.1", 0));
        cluster.start();
        return cluster;
    }

    private void start() throws IOException {
        // Options that bring their own security (a test of team mode with an authorizer of its own) keep it.
        ApiServerOptions secured = options.security() != null ? options : options.withSecurity(
                Security.fromPki(pkiDir(), List.of(), dataDir.resolve("tokens.csv"), dataDir.resolve("audit.log")));
        // no controller-manager here makes the default ServiceAccounts: kube-apiserver's --disable-admission-plugins=ServiceAccount
        secured = secured.withDisabledAdmission(java.util.Set.of("ServiceAccount"));
        store = storeFactory.get();
        vertx = Vertx.vertx();
        apiServer = new ApiServer(secured, store);
        vertx.deployVerticle(apiServer).await();
        // Written at every start: a restart changes the port.
        kubeconfig = Kubeconfig.writeAdmin(pkiDir(), dataDir.resolve("kubeconfig"),
                "https://127.0.0.1:" + apiServer.port());
        http = AdminHttp.of(kubeconfig);
    }

    /** The apiserver's URL, {@code https://127.0.0.1:PORT}. */
    public String url() {
        return http.url();
    }

    /** A new fabric8 client of this cluster, from the admin kubeconfig; the caller closes it. */
    public io.fabric8.kubernetes.client.KubernetesClient newClient() {
        return AdminHttp.client(kubeconfig);
    }

    /** The admin kubeconfig {@code <dataDir>/kubeconfig}, rewritten at each (re)start. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Raw HTTP to the apiserver as the admin of {@link #kubeconfig()}. */
    public AdminHttp http() {
        return http;
    }

    /**
     * A kubelet's kubeconfig for {@code node}, as {@code coxswain kubeconfig --node NODE --client-certificate} writes it:
     * user system:node:NODE in group system:nodes, a client certificate from the cluster CA. It names the current port,
     * so it is written again after a {@link #restart()}.
     */
    public Path nodeKubeconfig(String node) throws IOException {
        return http.asUser(pki(), "system:node:" + node, List.of("system:nodes"), dataDir.resolve("node-" + node + ".kubeconfig")).kubeconfig();
    }

    /** The cluster CA, to issue other users' client certificates and serving certificates (a kubelet's). */
    public Pki pki() {
        return Pki.open(pkiDir());
    }

    private Path pkiDir() {
        return options.security() != null ? options.security().caFile().getParent() : dataDir.resolve("pki");
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
