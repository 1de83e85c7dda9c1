package io.coxswain.launcher;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * How a component reaches the apiserver: {@code --server URL} for a plain loopback server, or {@code --kubeconfig}
 * for a secured one (the CA and a credential, e.g. from {@code coxswain kubeconfig}); with both, the URL wins.
 */
final class ServerOptions {

    @Option(names = "--server", description = "the apiserver's URL, e.g. http://127.0.0.1:6443; several, comma-separated, to fail over between them")
    String server;

    @Option(names = "--kubeconfig", description = "a kubeconfig with the server, its CA and this component's credential (team mode)")
    Path kubeconfig;

    KubernetesClient client(String component) {
        if (kubeconfig == null) {
            if (server == null) {
                throw new IllegalArgumentException("give --server or --kubeconfig");
            }
            return NodeAgents.client(server, component);
        }
        Config config = Config.fromKubeconfig(null, kubeconfig.toFile());
        if (server != null) {
            config.setMasterUrl(server);
        }
        return NodeAgents.client(config, component);
    }

    String describe() {
        return server != null ? server : "the server of " + kubeconfig;
    }
}
