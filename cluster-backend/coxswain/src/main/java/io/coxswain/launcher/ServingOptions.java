package io.coxswain.launcher;

import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** kube-scheduler's and kube-controller-manager's serving flags, for their metrics port. */
final class ServingOptions {

    @Option(names = "--tls-cert-file", description = "the serving certificate (PEM) of the metrics port: with it the port is HTTPS and "
            + "checks its callers against the apiserver (TokenReview, SubjectAccessReview of get /metrics)")
    Path tlsCertFile;

    @Option(names = "--tls-private-key-file", description = "the key of --tls-cert-file (PEM)")
    Path tlsKeyFile;

    @Option(names = "--client-ca-file", description = "the CA whose client certificates the metrics port takes (default: tokens only)")
    Path clientCaFile;

    /** The port's security, its reviews asked through {@code client}; null for plain HTTP on loopback. */
    MetricsPort.Secure secure(KubernetesClient client) {
        return MetricsPort.Secure.fromFiles(tlsCertFile, tlsKeyFile, clientCaFile, client);
    }
}
