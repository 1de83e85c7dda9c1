package io.coxswain.launcher;

import io.coxswain.client.DelegatedAuth;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.metrics.MetricsServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The scheduler's and the controller-manager's own {@code /metrics} port ({@code --metrics-bind-address host:port}, 0 for
 * a free port, empty for none). Given {@link Secure} settings it is what kube-scheduler's and kube-controller-manager's
 * secure ports are: HTTPS, and every caller authenticated (a client certificate of the cluster CA, or a bearer token
 * through a TokenReview) and authorized (a SubjectAccessReview of {@code get} on the non-resource path {@code /metrics}),
 * the kubelet's {@link DelegatedAuth}. Without them it is plain HTTP with no checks, so it binds loopback only: any
 * other address is refused, not served open.
 */
final class MetricsPort {

    /**
     * @param serving  the serving certificate and key
     * @param clientCa the CA (PEM) whose client certificates are taken, or null for bearer tokens only
     * @param reviews  the component's client of the apiserver, which asks the reviews
     */
    record Secure(PemKeyCertOptions serving, String clientCa, KubernetesClient reviews) {

        /** Inside all-in-one: a serving certificate from the cluster CA, which also signs the client certificates. */
        static Secure fromClusterCa(io.coxswain.apiserver.auth.Pki pki, String component, KubernetesClient reviews) {
            io.coxswain.apiserver.auth.Pki.Issued issued = pki.issueServing(component, java.util.List.of("localhost", "127.0.0.1"));
            return new Secure(new PemKeyCertOptions().addCertValue(Buffer.buffer(issued.certificatePem()))
                    .addKeyValue(Buffer.buffer(issued.keyPem())), pki.caPem(), reviews);
        }

        /** kube's {@code --tls-cert-file}, {@code --tls-private-key-file} and {@code --client-ca-file}; null without a certificate. */
        static Secure fromFiles(Path certificate, Path key, Path clientCa, KubernetesClient reviews) {
            if ((certificate == null) != (key == null)) {
                throw new IllegalArgumentException("--tls-cert-file and --tls-private-key-file go together");
            }
            if (certificate == null) {
                if (clientCa != null) {
                    throw new IllegalArgumentException("--client-ca-file needs --tls-cert-file and --tls-private-key-file");
                }
                return null;
            }
            try {
                return new Secure(new PemKeyCertOptions().addCertValue(Buffer.buffer(Files.readString(certificate)))
                        .addKeyValue(Buffer.buffer(Files.readString(key))), clientCa == null ? null : Files.readString(clientCa), reviews);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private MetricsPort() {
    }

    /** Serves {@code metrics} at {@code address}; null when the address is empty. Prints where. */
    static MetricsServer serve(Vertx vertx, ComponentMetrics metrics, String address, String component, Secure secure) {
        if (address == null || address.isBlank()) {
            System.out.println(component + " metrics: not served (empty metrics bind address)");
            return null;
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(component + ": the metrics bind address must be host:port, not \"" + address + "\"");
        }
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        MetricsServer server;
        if (secure != null) {
            DelegatedAuth<DelegatedAuth.NonResource> auth = new DelegatedAuth<>(vertx, DelegatedAuth.nonResourceReviewer(secure.reviews()),
                    a -> "verb=" + a.verb() + ", path=" + a.path());
            server = new MetricsServer(host, port, metrics, new MetricsServer.Tls(secure.serving(), secure.clientCa()),
                    request -> auth.check(request, new DelegatedAuth.NonResource(request.method().name().toLowerCase(Locale.ROOT), request.path()))
                            .map(outcome -> new MetricsServer.Verdict(outcome.status(), outcome.message())));
        } else if (!loopback(host)) {
            throw new IllegalArgumentException(component + ": without a serving certificate metrics are plain HTTP with no "
                    + "authentication, so they are served only on a loopback address, not " + host);
        } else {
            server = new MetricsServer(host, port, metrics);
        }
        vertx.deployVerticle(server).await();
        System.out.println(component + " metrics: " + (secure != null ? "https://" : "http://") + host + ":" + server.port() + "/metrics");
        return server;
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
