package io.coxswain.tests.ha;

import io.coxswain.controllers.machinery.ApiServerFailover;
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
 * two apiservers over them, each {@code coxswain apiserver --store etcd --etcd-servers …} in its own JVM. Controller
 * managers, schedulers and kubelets are started by the tests, against {@link #servers()}.
 */
final class HaControlPlane implements AutoCloseable {

    final EtcdCluster etcd;
    final List<JarProcess> apiservers = new ArrayList<>();
    final List<String> urls = new ArrayList<>();
    private final Path dir;

    private HaControlPlane(Path dir, EtcdCluster etcd) {
        this.dir = dir;
        this.etcd = etcd;
    }

    static HaControlPlane start(Path dir) throws IOException, InterruptedException {
        HaControlPlane plane = new HaControlPlane(dir, EtcdCluster.start(3));
        try {
            for (int i = 0; i < 2; i++) {
                int port = LocalCoxswain.freePort();
                plane.apiservers.add(JarProcess.start(dir, "apiserver-" + i, "apiserver listening", "apiserver",
                        "--listen", "127.0.0.1:" + port, "--store", "etcd", "--etcd-servers", String.join(",", plane.etcd.endpoints())));
                plane.urls.add("http://127.0.0.1:" + port);
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

    /** A fabric8 client of both apiservers that fails over between them, the first one first. */
    KubernetesClient failoverClient() {
        return ApiServerFailover.client(urls, c -> c.withWatchReconnectInterval(200));
    }

    /** A fabric8 client of one apiserver only. */
    KubernetesClient client(int apiserver) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(urls.get(apiserver)).build()).build();
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
