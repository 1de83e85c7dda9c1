package io.coxswain.tests.cluster;

import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.apiserver.auth.Pki;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.SSLUtils;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Raw HTTP to an apiserver as the kubeconfig's user, for tests that talk to it without a Kubernetes client: a
 * {@link HttpClient} and sockets that trust the CA in the kubeconfig and present its client certificate (the admin's,
 * system:admin in system:masters, for the kubeconfig a {@link TestCluster} or an {@link ApiServerProcess} wrote). A
 * kubeconfig of a plain-HTTP server ({@code --insecure-loopback}) gives plain HTTP. Everything comes from the kubeconfig,
 * as kubectl takes it: there is no special path for loopback.
 */
public final class AdminHttp {

    private final Path kubeconfig;
    private final URI server;
    private final SSLContext tls;

    private AdminHttp(Path kubeconfig, URI server, SSLContext tls) {
        this.kubeconfig = kubeconfig;
        this.server = server;
        this.tls = tls;
    }

    /** Reads the kubeconfig's current context: its server, CA and client certificate. */
    public static AdminHttp of(Path kubeconfig) {
        Config config = config(kubeconfig);
        URI server = URI.create(config.getMasterUrl().replaceAll("/+$", ""));
        if (!"https".equals(server.getScheme())) {
            return new AdminHttp(kubeconfig, server, null);
        }
        try {
            return new AdminHttp(kubeconfig, server, SSLUtils.sslContext(config));
        } catch (Exception e) {
            throw new IllegalStateException("no TLS from the CA and client certificate of " + kubeconfig, e);
        }
    }

    /** The kubeconfig as fabric8 reads it (its current context). */
    public static Config config(Path kubeconfig) {
        return Config.fromKubeconfig(null, kubeconfig.toFile());
    }

    /**
     * Another user of the same server: a client certificate for {@code user} in {@code groups} from the cluster CA
     * {@code pki}, written as the kubeconfig {@code file} (0600).
     */
    public AdminHttp asUser(Pki pki, String user, List<String> groups, Path file) throws IOException {
        Pki.Issued issued = pki.issueClient(user, groups);
        return of(Kubeconfig.writePrivate(file, Kubeconfig.secure(url(), pki.caPem(), user,
                Kubeconfig.Credential.certificate(issued.certificatePem(), issued.keyPem()), "default")));
    }

    /** A new fabric8 client from the kubeconfig; the caller closes it. */
    public static KubernetesClient client(Path kubeconfig) {
        return new KubernetesClientBuilder().withConfig(config(kubeconfig)).build();
    }

    /** The server's URL, such as {@code https://127.0.0.1:PORT}, without a trailing slash. */
    public String url() {
        return server.toString();
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public boolean secure() {
        return tls != null;
    }

    /** TLS that trusts the cluster CA in {@code caFile} and sends no client certificate: an anonymous client. */
    public static SSLContext trusting(Path caFile) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("coxswain-ca", Pki.readCertificate(java.nio.file.Files.readString(caFile)));
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** The TLS the kubeconfig asks for; null when its server is plain HTTP. */
    public SSLContext sslContext() {
        return tls;
    }

    /**
     * A builder of {@link HttpClient}s that speak HTTP/1.1 (as kubectl does to the apiserver) with the kubeconfig's TLS,
     * a 30 s connect timeout (the TLS handshake counts in it, and a thousand handshakes at once on two busy cores take
     * more than 10 s); callers set what else they need (an executor, another version, another timeout).
     */
    public HttpClient.Builder httpBuilder() {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30));
        return tls == null ? builder : builder.sslContext(tls);
    }

    public HttpClient http() {
        return httpBuilder().build();
    }

    /**
     * A new connection to the server from the loopback address {@code from} (127.0.0.1 or another of 127/8), TLS
     * handshake done when the server is https: the socket reads and writes HTTP as written, byte for byte.
     */
    public Socket connect(String from) throws IOException {
        Socket socket = connectTcp(from);
        if (tls == null) {
            return socket;
        }
        SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, server.getHost(), server.getPort(), true);
        secured.setUseClientMode(true);
        var parameters = secured.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the serving certificate must name 127.0.0.1
        secured.setSSLParameters(parameters);
        secured.setSoTimeout(30_000);
        try {
            secured.startHandshake();
        } catch (IOException e) {
            secured.close();
            throw e;
        }
        secured.setSoTimeout(0);
        return secured;
    }

    /** A plain TCP connection to the server's port from {@code from}, no TLS: for what a client sends before or instead of a handshake. */
    public Socket connectTcp(String from) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }
}
