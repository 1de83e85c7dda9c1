package io.coxswain.client.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * kubeadm's token discovery ({@code cmd/kubeadm/app/discovery/token/token.go}): read kube-public/cluster-info without
 * credentials and without trusting the server yet, check its {@code jws-kubeconfig-<id>} signature with the token's
 * secret, take the one cluster's CA from its kubeconfig and check it against the pinned hash, then read cluster-info again
 * over TLS that trusts only that CA and check that it is the same. Missing signatures and unreachable servers are retried
 * until the timeout, as kubeadm does (the signer controller may not have signed a new token yet).
 */
public final class ClusterInfoDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterInfoDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What discovery establishes: the cluster's CA, which the node trusts from now on. */
    public record Discovered(X509Certificate ca, String caPem) {
    }

    private final URI server;
    private final BootstrapToken token;
    private final String caHash;
    private final Duration timeout;
    private final Duration interval;

    /** {@code caHash} null: kubeadm's --discovery-token-unsafe-skip-ca-verification (the caller warns). */
    public ClusterInfoDiscovery(URI server, BootstrapToken token, String caHash, Duration timeout, Duration interval) {
        this.server = server;
        this.token = token;
        this.caHash = caHash == null ? null : CaCertHash.parse(caHash);
        this.timeout = timeout;
        this.interval = interval;
    }

    public Discovered discover() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String kubeconfig = signedKubeconfig(insecureClient(), deadline);
        X509Certificate ca = onlyClusterCa(kubeconfig);
        String caPem = pem(ca);
        if (caHash == null) {
            LOG.warn("discovery: the CA of {} is trusted without a check (--discovery-token-unsafe-skip-ca-verification): "
                    + "anyone who can answer for that address and knows the token could pose as the cluster", server);
            return new Discovered(ca, caPem);
        }
        String actual = CaCertHash.of(ca);
        if (!CaCertHash.matches(ca, caHash)) {
            throw new JoinException("the cluster CA at " + server + " has the public key pin " + actual + ", but"
                    + " --discovery-token-ca-cert-hash expects " + caHash + ": this is not the cluster the join command was made for");
        }
        // kubeadm's second fetch: the same content, now over TLS that trusts the pinned CA only
        String again = signedKubeconfig(trustingOnly(ca), deadline);
        if (!again.equals(kubeconfig)) {
            throw new JoinException("the second read of kube-public/cluster-info from " + server
                    + " (over TLS checked against the pinned CA) did not match the first; not joining");
        }
        LOG.info("discovery: cluster-info of {} is signed with token {} and its CA matches {}", server, token.id(), caHash);
        return new Discovered(ca, caPem);
    }

    /** The signed kubeconfig of cluster-info; retried until {@code deadline} while the server or the signature is missing. */
    private String signedKubeconfig(HttpClient http, long deadline) throws InterruptedException {
        URI uri = server.resolve("/api/v1/namespaces/" + BootstrapToken.CLUSTER_INFO_NAMESPACE + "/configmaps/" + BootstrapToken.CLUSTER_INFO);
        String problem;
        while (true) {
            problem = null;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode data = JSON.readTree(response.body()).path("data");
                    String kubeconfig = data.path(BootstrapToken.CLUSTER_INFO_KUBECONFIG).asText("");
                    String jws = data.path(BootstrapToken.JWS_KEY_PREFIX + token.id()).asText("");
                    if (kubeconfig.isEmpty()) {
                        problem = "kube-public/cluster-info at " + server + " has no kubeconfig: this apiserver is not set up for joining";
                    } else if (jws.isEmpty()) {
                        problem = "token id " + token.id() + " is not valid for this cluster or has expired (kube-public/cluster-info at "
                                + server + " has no " + BootstrapToken.JWS_KEY_PREFIX + token.id() + " signature); make a new one with "
                                + "`coxswain token create` on the first machine";
                    } else if (!DetachedJws.verify(jws, kubeconfig, token)) {
                        // not retried: the token's id is known there, its secret is not this one
                        throw new JoinException("the token is not valid for this cluster: the " + BootstrapToken.JWS_KEY_PREFIX + token.id()
                                + " signature of kube-public/cluster-info at " + server + " does not verify with its secret");
                    } else {
                        return kubeconfig;
                    }
                } else if (response.statusCode() == 404) {
                    problem = "the apiserver at " + server + " has no kube-public/cluster-info ConfigMap: it is not set up for joining"
                            + " (`coxswain token create` on the first machine makes it)";
                } else {
                    problem = "the apiserver at " + server + " answered HTTP " + response.statusCode() + " for kube-public/cluster-info: "
                            + abbreviate(response.body());
                }
            } catch (HttpTimeoutException e) {
                problem = "cannot reach the apiserver at " + server + ": timed out";
            } catch (ConnectException e) {
                problem = "cannot reach the apiserver at " + server + ": connection refused";
            } catch (IOException e) {
                problem = "cannot read kube-public/cluster-info from " + server + ": " + describe(e);
            }
            if (System.nanoTime() + interval.toNanos() > deadline) {
                throw new JoinException(problem);
            }
            LOG.info("discovery: {}; trying again in {} s", problem, interval.toSeconds());
            Thread.sleep(interval.toMillis());
        }
    }

    /** The CA of the kubeconfig's one cluster, as kubeadm's validateClusterCA reads it. */
    private X509Certificate onlyClusterCa(String kubeconfig) {
        List<NamedCluster> clusters;
        try {
            clusters = KubeConfigUtils.parseConfigFromString(kubeconfig).getClusters();
        } catch (RuntimeException e) {
            throw new JoinException("the kubeconfig in kube-public/cluster-info at " + server + " cannot be read: " + describe(e), e);
        }
        if (clusters == null || clusters.size() != 1 || clusters.get(0).getCluster() == null) {
            throw new JoinException("the kubeconfig in kube-public/cluster-info at " + server + " should name exactly one cluster, it names "
                    + (clusters == null ? 0 : clusters.size()));
        }
        String data = clusters.get(0).getCluster().getCertificateAuthorityData();
        if (data == null || data.isBlank()) {
            throw new JoinException("the cluster in kube-public/cluster-info at " + server + " has no certificate-authority-data");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(data.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new JoinException("the certificate-authority-data in kube-public/cluster-info at " + server + " is not a certificate: "
                    + describe(e), e);
        }
    }

    /** Before the CA is known: TLS that takes any certificate, as kubeadm's insecure bootstrap config; nothing secret is sent. */
    private static HttpClient insecureClient() {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[]{new TrustingAnything()}, null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is missing from this JDK", e);
        }
    }

    /** TLS that trusts only {@code ca}, with the usual host name check. */
    public static HttpClient trustingOnly(X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("cluster-ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trusting the cluster CA", e);
        }
    }

    public static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    private static String abbreviate(String body) {
        String s = body == null ? "" : body.strip().replace('\n', ' ');
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** Accepts every server certificate: only for the first, unauthenticated read of public data that is then verified. */
    private static final class TrustingAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
