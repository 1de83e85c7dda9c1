package io.coxswain.controllers.certificates;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * kube-controller-manager's csrapproving controller ({@code pkg/controller/certificates/approver/sarapprove.go}): a
 * pending kubelet client request (signer kube-apiserver-client-kubelet, O system:nodes, CN system:node:NAME, client
 * usages) is approved when a SubjectAccessReview says its requestor may create {@code certificatesigningrequests/selfnodeclient}
 * (a node renewing its own certificate: CN = the requestor) or {@code certificatesigningrequests/nodeclient} (a
 * bootstrap token asking for a node's first one). Anything else is left for a person to approve or deny.
 */
public final class CsrApprovingController {

    private static final Logger LOG = LoggerFactory.getLogger(CsrApprovingController.class);

    private record Recognizer(String subresource, boolean self, String message) {
    }

    private static final List<Recognizer> RECOGNIZERS = List.of(
            new Recognizer("selfnodeclient", true, "Auto approving self kubelet client certificate after SubjectAccessReview."),
            new Recognizer("nodeclient", false, "Auto approving kubelet client certificate after SubjectAccessReview."));

    private final KubernetesClient client;
    private final SharedIndexInformer<CertificateSigningRequest> requests;
    private final Controller controller;

    private CsrApprovingController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        this.client = client;
        this.requests = Informers.shared(informers, CertificateSigningRequest.class);
        this.controller = new Controller("csrapproving", options.workers(), this::sync).watch(requests, r -> List.of(Controller.key(r)));
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new CsrApprovingController(client, informers, options).controller;
    }

    private Duration sync(String key) throws Exception {
        CertificateSigningRequest csr = Informers.get(requests, key);
        if (csr == null || Requests.has(csr, "Approved") || Requests.has(csr, "Denied") || Requests.issued(csr)
                || !Requests.KUBELET_CLIENT_SIGNER.equals(csr.getSpec().getSignerName())) {
            return null;
        }
        PKCS10CertificationRequest request = Requests.parse(csr);
        if (Requests.kubeletClientProblem(request, csr.getSpec().getUsages()) != null) {
            return null;
        }
        String commonName = Requests.commonName(request.getSubject());
        boolean tried = false;
        for (Recognizer recognizer : RECOGNIZERS) {
            if (recognizer.self() && !commonName.equals(csr.getSpec().getUsername())) {
                continue;
            }
            tried = true;
            if (allowed(csr, recognizer.subresource())) {
                String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                client.certificates().v1().certificateSigningRequests().withName(csr.getMetadata().getName())
                        .approve(new CertificateSigningRequestConditionBuilder().withType("Approved").withStatus("True")
                                .withReason("AutoApproved").withMessage(recognizer.message())
                                .withLastUpdateTime(now).withLastTransitionTime(now).build());
                LOG.info("csrapproving: approved {} for {} (requestor {}, {})", key, commonName, csr.getSpec().getUsername(),
                        recognizer.subresource());
                return null;
            }
        }
        if (tried) {
            LOG.info("csrapproving: {} is a kubelet client request, but {} may not create certificatesigningrequests/nodeclient "
                    + "or selfnodeclient; it waits for a person", key, csr.getSpec().getUsername());
        }
        return null;
    }

    private boolean allowed(CertificateSigningRequest csr, String subresource) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(csr.getSpec().getUsername()).withUid(csr.getSpec().getUid()).withGroups(csr.getSpec().getGroups())
                .withExtra(csr.getSpec().getExtra())
                .withResourceAttributes(new ResourceAttributesBuilder().withGroup("certificates.k8s.io").withVersion("*")
                        .withResource("certificatesigningrequests").withSubresource(subresource).withVerb("create").build())
                .endSpec().build();
        SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
        return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }
}
