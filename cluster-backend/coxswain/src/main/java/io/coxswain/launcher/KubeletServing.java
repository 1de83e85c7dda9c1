package io.coxswain.launcher;

import io.coxswain.apiserver.auth.Pki;
import io.fabric8.kubernetes.client.Config;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The kubelet's serving side in team mode: a serving certificate, and the CA whose client certificates it takes.
 * Whether it is on follows the kubelet's connection to the apiserver: a kubelet that reaches a secured (https)
 * apiserver serves HTTPS and checks its callers; one on plain HTTP stays plain. So when the apiserver's default turns
 * secure, the kubelet's does too.
 *
 * @param serving  the serving certificate, or null for plain HTTP
 * @param clientCa the cluster CA (PEM) from the kubelet's kubeconfig, or null
 */
record KubeletServing(PemKeyCertOptions serving, String clientCa) {

    static final KubeletServing PLAIN = new KubeletServing(null, null);

    /** Inside all-in-one: a serving certificate issued from the cluster CA, which also signs the client certificates. */
    static KubeletServing fromClusterCa(Pki pki, NodeOptions node) {
        return new KubeletServing(options(pki.issueServing(node.nodeName(), sans(node))), pki.caPem());
    }

    /** A serving certificate and its key, PEM files ({@code --tls-cert-file}, {@code --tls-private-key-file}). */
    record ServingFiles(Path certificate, Path key) {
    }

    /**
     * A standalone kubelet given a kubeconfig: the serving certificate of {@code serving}, or, as kube's kubelet without
     * {@code --tls-cert-file}, one from a CA of its own in {@code <root-dir>/pki} (the apiserver does not verify it); the
     * client CA of {@code clientCaFile}, or else the kubeconfig's {@code certificate-authority(-data)}. Plain when the
     * apiserver is.
     */
    static KubeletServing forClient(Config config, Path rootDir, NodeOptions node, ServingFiles serving, Path clientCaFile) {
        if (config.getMasterUrl() == null || !config.getMasterUrl().startsWith("https://")) {
            return PLAIN;
        }
        try {
            PemKeyCertOptions certificate = serving != null
                    ? new PemKeyCertOptions().addCertValue(Buffer.buffer(Files.readString(serving.certificate())))
                    .addKeyValue(Buffer.buffer(Files.readString(serving.key())))
                    : options(Pki.open(rootDir.resolve("pki")).issueServing(node.nodeName(), sans(node)));
            return new KubeletServing(certificate, clientCaFile != null ? Files.readString(clientCaFile) : clientCa(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clientCa(Config config) {
        try {
            if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
                return new String(Base64.getDecoder().decode(config.getCaCertData().strip()), StandardCharsets.US_ASCII);
            }
            if (config.getCaCertFile() != null) {
                return Files.readString(Path.of(config.getCaCertFile()));
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> sans(NodeOptions node) {
        LinkedHashSet<String> sans = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", node.nodeName()));
        if (!node.nodeIp.equals("0.0.0.0") && !node.nodeIp.equals("::")) {
            sans.add(node.nodeIp);
        }
        return List.copyOf(sans);
    }

    private static PemKeyCertOptions options(Pki.Issued issued) {
        return new PemKeyCertOptions().addCertValue(Buffer.buffer(issued.certificatePem())).addKeyValue(Buffer.buffer(issued.keyPem()));
    }
}
