package io.coxswain.launcher;

import io.coxswain.kubelet.Kubelet;
import io.coxswain.kubelet.docker.DockerRuntime;
import io.coxswain.kubelet.cni.CniNetwork;
import io.coxswain.client.ApiServerFailover;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;

import java.nio.file.Path;

/** Starts the node agents against an apiserver URL, as separate clients of the API like any other. */
final class NodeAgents {

    private NodeAgents() {
    }

    /**
     * A client named as the component's Kubernetes counterpart: the apiserver takes the User-Agent's product as the
     * field manager of updates, so managedFields say "kube-controller-manager" or "kubelet", as on a real cluster.
     * {@code server} may list several apiservers of one cluster, {@code URL1,URL2}: the client fails over between them.
     */
    static KubernetesClient client(String server, String component) {
        return client(ApiServerFailover.split(server), new ConfigBuilder(), component);
    }

    /** A client from a kubeconfig's settings (a secured server's CA and a credential), named as above. */
    static KubernetesClient client(io.fabric8.kubernetes.client.Config config, String component) {
        return client(ApiServerFailover.split(config.getMasterUrl()), new ConfigBuilder(config), component);
    }

    /**
     * The client's tasks (informer handlers among them) run on threads of its own that name the component in the log
     * (kube-scheduler logs as scheduler), which in all-in-one tells apart the shared code each component runs.
     */
    private static KubernetesClient client(java.util.List<String> servers, ConfigBuilder base, String component) {
        String logComponent = component.startsWith("kube-") ? component.substring("kube-".length()) : component;
        return ApiServerFailover.client(servers, base,
                c -> c.withUserAgent(component + "/coxswain").withRequestTimeout(30_000).withWatchReconnectInterval(500),
                b -> b.withTaskExecutorSupplier(() -> java.util.concurrent.Executors.newCachedThreadPool(
                        io.coxswain.launcher.logs.LogComponent.threads(logComponent))));
    }

    static DockerRuntime dockerRuntime(NodeOptions node) {
        return new DockerRuntime(node.dockerHost, new CniNetwork(node.cniOptions()), "coxswain/pause:1");
    }

    static Kubelet dockerKubelet(Vertx vertx, KubernetesClient client, NodeOptions node, Path rootDir, KubeletServing serving,
                                 io.coxswain.metrics.ComponentMetrics metrics) {
        DockerRuntime runtime = dockerRuntime(node);
        try {
            return Kubelet.start(vertx, client, node.kubeletOptions(rootDir), runtime, serving.serving(), serving.clientCa(), metrics);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }
}
