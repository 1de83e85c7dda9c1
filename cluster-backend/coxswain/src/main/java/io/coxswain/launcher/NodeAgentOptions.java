package io.coxswain.launcher;

import io.fabric8.kubernetes.client.Config;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a per-node agent (kube-proxy, the overlay) needs first: which node it is, and a kubeconfig to reach the API. */
final class NodeAgentOptions {

    @Option(names = "--kubeconfig", description = "kubeconfig of the apiserver (default: $KUBECONFIG or ~/.kube/config)")
    Path kubeconfig;

    @Option(names = "--node-name", description = "this node's name (default: the host name)")
    String nodeName;

    /** The node's name: the flag, else the host name. */
    String nodeName() throws IOException {
        return nodeName != null ? nodeName : InetAddress.getLocalHost().getHostName();
    }

    /** The client configuration: the flag's kubeconfig, else fabric8's own search ($KUBECONFIG, ~/.kube/config). */
    Config config() throws IOException {
        return kubeconfig == null ? Config.autoConfigure(null) : Config.fromKubeconfig(Files.readString(kubeconfig));
    }
}
