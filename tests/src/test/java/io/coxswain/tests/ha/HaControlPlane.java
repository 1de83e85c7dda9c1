package io.coxswain.tests.ha;

import io.coxswain.tests.cluster.JarProcess;
import io.coxswain.client.ApiServerFailover;
import io.coxswain.store.EtcdCluster;
import io.coxswain.tests.cluster.LocalCoxswain;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The HA control plane of README.md's "Team cluster", on loopback ports: three etcd members (Debian's etcd-server) and
 * two apiservers over them, each {@code coxswain apiserver --store etcd --etcd-servers …} in its own JVM, both with one
 * data directory (so one CA, started one after the other) and serving TLS. Controller managers, schedulers and kubelets
 * are started by the tests with {@link #componentArgs()}: the admin kubeconfig and both URLs.
 */
final class HaControlPlane implements AutoCloseable {

    final EtcdCluster etcd;
    final List<JarProcess> apiservers = new ArrayList<>();
    final List<String> urls = new ArrayList<>();
    private final Path dir;
    private final Path dataDir;

    private HaControlPlane(Path dir, EtcdCluster etcd) {
        this.dir = dir;
        this.dataDir = dir.resolve("control-plane");
        this.etcd = etcd;
    }

    static HaControlPlane start(Path dir) throws IOException, InterruptedException {
        HaControlPlane plane = new HaControlPlane(dir, EtcdCluster.start(3));
        try {
            for (int i = 0; i < 2; i++) {
                int port = LocalCoxswain.freePort();
                plane.apiservers.add(JarProcess.start(dir, "apiserver-" + i, "apiserver listening", "apiserver",
                        "--listen", "127.0.0.1:" + port, "--store", "etcd", "--etcd-servers", String.join(",", plane.etcd.endpoints()),
                        "--data-dir", plane.dataDir.toString(), "--audit-log-path", dir.resolve("audit-" + i + ".log").toString()));
                plane.urls.add("https://127.0.0.1:" + port);
            }
            return plane;
        } catch (IOException | RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    /** Both apiservers, as a kubelet's {@code --server} takes them. */
    String servers() {
        return String.join(",", urls);
    }

    /** The admin kubeconfig the apiservers wrote: the CA and system:admin's client certificate. */
    Path kubeconfig() {
        return dataDir.resolve("kubeconfig");
    }

    /** How a component reaches both apiservers: the credential of {@link #kubeconfig()}, and both URLs. */
    String[] componentArgs() {
        return new String[]{"--kubeconfig", kubeconfig().toString(), "--server", servers()};
    }

    /** A fabric8 client of both apiservers that fails over between them, the first one first. */
    KubernetesClient failoverClient() {
        return ApiServerFailover.client(urls, new ConfigBuilder(adminConfig()), c -> c.withWatchReconnectInterval(200));
    }

    /** A fabric8 client of one apiserver only. */
    KubernetesClient client(int apiserver) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(adminConfig()).withMasterUrl(urls.get(apiserver)).build()).build();
    }

    private io.fabric8.kubernetes.client.Config adminConfig() {
        return io.fabric8.kubernetes.client.Config.fromKubeconfig(null, kubeconfig().toFile());
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws InterruptedException {
        for (JarProcess p : apiservers) {
            p.close();
        }
        etcd.close();
    }
}
