package io.coxswain.launcher;

import io.coxswain.controllers.ControllerOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** kube-controller-manager's {@code --cluster-signing-*} flags: the CA csrsigning signs CertificateSigningRequests with. */
final class ClusterSigningOptions {

    @Option(names = "--cluster-signing-cert-file", description = "PEM CA certificate that csrsigning signs kube-apiserver-client "
            + "and kube-apiserver-client-kubelet requests with; without it and the key, csrsigning does not run")
    Path certFile;

    @Option(names = "--cluster-signing-key-file", description = "PEM private key of --cluster-signing-cert-file")
    Path keyFile;

    @Option(names = "--cluster-signing-duration", defaultValue = "8760h0m0s", converter = GoDuration.class,
            description = "the longest certificate csrsigning issues, and what it issues when a request names no expirationSeconds"
                    + " (default ${DEFAULT-VALUE})")
    Duration duration;

    ControllerOptions applyTo(ControllerOptions options) {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--cluster-signing-cert-file and --cluster-signing-key-file go together");
        }
        return options.withClusterSigning(certFile, keyFile, duration);
    }
}
