package io.coxswain.client.bootstrap;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The kubelet's side of TLS bootstrapping and of client certificate rotation ({@code pkg/kubelet/certificate/bootstrap}
 * and client-go's {@code util/certificate/csr}): a new ECDSA P-256 key made here, a CertificateSigningRequest for
 * {@code system:node:<name>} in {@code system:nodes} with the kube-apiserver-client-kubelet signer and the usages the
 * kubelet asks for with an ECDSA key, then a wait until it is issued.
 */
public final class NodeCertificateRequest {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCertificateRequest.class);
    public static final String USER_PREFIX = "system:node:";
    public static final String SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    /** client-go's usages for an ECDSA key: no key encipherment. */
    public static final List<String> USAGES = List.of("digital signature", "client auth");

    /** An issued certificate and its key, PEM; {@code csrName} the request it came through. */
    public record Issued(String csrName, String certificatePem, String keyPem) {
    }

    private NodeCertificateRequest() {
    }

    /**
     * Creates the request with {@code client} (the bootstrap token's or the node's current certificate's) and waits up to
     * {@code timeout} for its certificate. A refused credential, a denial or the timeout is a {@link JoinException}.
     */
    public static Issued request(KubernetesClient client, String server, String nodeName, Duration timeout) throws InterruptedException {
        KeyPair key = newKey();
        CertificateSigningRequest created;
        try {
            created = client.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder()
                    .withNewMetadata().withGenerateName("csr-").endMetadata()
                    .withNewSpec().withRequest(Base64.getEncoder().encodeToString(csrPem(key, nodeName).getBytes(StandardCharsets.US_ASCII)))
                    .withSignerName(SIGNER).withUsages(USAGES).endSpec().build()).create();
        } catch (KubernetesClientException e) {
            throw refused(e, server);
        }
        String name = created.getMetadata().getName();
        LOG.info("tls bootstrap: created CertificateSigningRequest {} for {}{}; waiting for it to be approved and signed (the controller-manager"
                + " approves a node's own request; else `kubectl certificate approve {}`)", name, USER_PREFIX, nodeName, name);
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReminder = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            CertificateSigningRequest csr;
            try {
                csr = client.certificates().v1().certificateSigningRequests().withName(name).get();
            } catch (KubernetesClientException e) {
                LOG.info("tls bootstrap: cannot read CertificateSigningRequest {} ({}); trying again", name, ClusterInfoDiscovery.describe(e));
                csr = null;
            }
            if (csr != null && csr.getStatus() != null) {
                for (CertificateSigningRequestCondition c : csr.getStatus().getConditions() == null
                        ? List.<CertificateSigningRequestCondition>of() : csr.getStatus().getConditions()) {
                    if (("Denied".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) {
                        throw new JoinException("CertificateSigningRequest " + name + " for " + USER_PREFIX + nodeName + " was "
                                + c.getType().toLowerCase() + " (" + c.getReason() + ": " + c.getMessage() + ")");
                    }
                }
                String certificate = csr.getStatus().getCertificate();
                if (certificate != null && !certificate.isBlank()) {
                    LOG.info("tls bootstrap: CertificateSigningRequest {} is issued", name);
                    return new Issued(name, new String(Base64.getDecoder().decode(certificate.strip()), StandardCharsets.US_ASCII), pem(key));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new JoinException("CertificateSigningRequest " + name + " was not approved and signed within " + timeout.toSeconds()
                        + " s: approve it with `kubectl certificate approve " + name + "`, or check that the controller-manager runs with"
                        + " --cluster-signing-cert-file and --cluster-signing-key-file");
            }
            if (System.nanoTime() > nextReminder) {
                LOG.info("tls bootstrap: still waiting for CertificateSigningRequest {} to be approved (`kubectl certificate approve {}`)", name, name);
                nextReminder = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            }
            Thread.sleep(500);
        }
    }

    private static JoinException refused(KubernetesClientException e, String server) {
        if (e.getCode() == 401) {
            return new JoinException("the apiserver at " + server + " refused the credential (401 Unauthorized): the token is not valid"
                    + " for this cluster or has expired; make a new one with `coxswain token create` on the first machine");
        }
        if (e.getCode() == 403) {
            return new JoinException("the apiserver at " + server + " does not let this credential create CertificateSigningRequests (403): "
                    + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()));
        }
        if (e.getCode() == 0) {
            return new JoinException("cannot reach the apiserver at " + server + ": " + ClusterInfoDiscovery.describe(e), e);
        }
        return new JoinException("the apiserver at " + server + " refused the CertificateSigningRequest (" + e.getCode() + "): "
                + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()), e);
    }

    static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is missing from this JDK", e);
        }
    }

    /** PKCS#10 with subject O=system:nodes, CN=system:node:<name> and no SANs, as csrapproving recognizes a kubelet client request. */
    static String csrPem(KeyPair key, String nodeName) {
        try {
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "system:nodes").addRDN(BCStyle.CN, USER_PREFIX + nodeName).build(), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
            return pem(request);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request", e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            // the key as PKCS#8 ("PRIVATE KEY"): fabric8 cannot read bouncycastle's SEC1 "EC PRIVATE KEY"
            writer.writeObject(object instanceof KeyPair pair ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null)
                    : object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
