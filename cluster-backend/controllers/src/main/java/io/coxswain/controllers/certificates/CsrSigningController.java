package io.coxswain.controllers.certificates;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * kube-controller-manager's csrsigning controller for the signers {@code kubernetes.io/kube-apiserver-client} and
 * {@code kubernetes.io/kube-apiserver-client-kubelet}: an Approved request that is not Denied, Failed or issued gets a
 * certificate from the cluster CA in status.certificate (through /status). A request the signer may not sign gets a
 * Failed condition (reason SignerValidationFailure) instead. Requests for other signers are left to their signers.
 */
public final class CsrSigningController {

    private static final Logger LOG = LoggerFactory.getLogger(CsrSigningController.class);

    private final KubernetesClient client;
    private final SharedIndexInformer<CertificateSigningRequest> requests;
    private final ClusterSigner signer;
    private final Controller controller;

    private CsrSigningController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options, ClusterSigner signer) {
        this.client = client;
        this.signer = signer;
        this.requests = Informers.shared(informers, CertificateSigningRequest.class);
        this.controller = new Controller("csrsigning", options.workers(), this::sync).watch(requests, r -> List.of(Controller.key(r)));
    }

    /** The controller, or null when no signing CA is configured (kube skips csrsigning without its files). */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        if (options.clusterSigning() == null) {
            LOG.info("csrsigning: not started, no --cluster-signing-cert-file and --cluster-signing-key-file");
            return null;
        }
        ClusterSigner signer = ClusterSigner.fromFiles(options.clusterSigning().certFile(), options.clusterSigning().keyFile(),
                options.signingDuration());
        return new CsrSigningController(client, informers, options, signer).controller;
    }

    private Duration sync(String key) throws Exception {
        CertificateSigningRequest csr = Informers.get(requests, key);
        if (csr == null || !Requests.has(csr, "Approved") || Requests.has(csr, "Denied") || Requests.has(csr, "Failed")
                || Requests.issued(csr)) {
            return null;
        }
        String signerName = csr.getSpec().getSignerName();
        if (!Requests.KUBELET_CLIENT_SIGNER.equals(signerName) && !Requests.API_SERVER_CLIENT_SIGNER.equals(signerName)) {
            return null;
        }
        // the informer's object is shared: the status is written on a copy
        csr = new io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder(csr).build();
        PKCS10CertificationRequest request = Requests.parse(csr);
        List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
        String problem = Requests.KUBELET_CLIENT_SIGNER.equals(signerName) ? Requests.kubeletClientProblem(request, usages)
                : apiServerClientProblem(usages);
        CertificateSigningRequestStatus status = csr.getStatus();
        if (problem != null) {
            LOG.info("csrsigning: {} is not a valid {} request: {}", key, signerName, problem);
            List<io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition> conditions =
                    new ArrayList<>(status.getConditions());
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            conditions.add(new CertificateSigningRequestConditionBuilder().withType("Failed").withStatus("True")
                    .withReason("SignerValidationFailure").withMessage(problem).withLastUpdateTime(now).withLastTransitionTime(now).build());
            status.setConditions(conditions);
        } else {
            Duration lifetime = signer.lifetime(csr.getSpec().getExpirationSeconds());
            String pem = signer.sign(request, usages, lifetime);
            status.setCertificate(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
            LOG.info("csrsigning: signed {} for {} ({}), valid {}", key, Requests.commonName(request.getSubject()), signerName, lifetime);
        }
        client.certificates().v1().certificateSigningRequests().resource(csr).updateStatus();
        return null;
    }

    /** kube's isKubeAPIServerClient: only digital signature, key encipherment and client auth, client auth among them. */
    private static String apiServerClientProblem(List<String> usages) {
        for (String usage : usages) {
            if (!List.of("digital signature", "key encipherment", "client auth").contains(usage)) {
                return "invalid usage for client certificate: " + usage;
            }
        }
        return usages.contains("client auth") ? null : "missing required usage for client certificate: client auth";
    }
}
