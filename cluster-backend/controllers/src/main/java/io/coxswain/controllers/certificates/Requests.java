package io.coxswain.controllers.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the certificate controllers read from a CertificateSigningRequest: its conditions and its PKCS#10 request. */
final class Requests {

    static final String KUBELET_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    static final String API_SERVER_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";

    private static final Set<String> KUBELET_USAGES = Set.of("digital signature", "key encipherment", "client auth");
    private static final Set<String> KUBELET_USAGES_NO_RSA = Set.of("digital signature", "client auth");

    private Requests() {
    }

    static boolean has(CertificateSigningRequest csr, String type) {
        if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
            return false;
        }
        for (CertificateSigningRequestCondition c : csr.getStatus().getConditions()) {
            if (type.equals(c.getType())) {
                return true;
            }
        }
        return false;
    }

    static boolean issued(CertificateSigningRequest csr) {
        return csr.getStatus() != null && csr.getStatus().getCertificate() != null && !csr.getStatus().getCertificate().isEmpty();
    }

    /** spec.request: base64 in JSON, of a PEM CERTIFICATE REQUEST (the apiserver checked it on create). */
    static PKCS10CertificationRequest parse(CertificateSigningRequest csr) throws IOException {
        String pem = new String(Base64.getDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII);
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject block = reader.readPemObject();
            if (block == null || !block.getType().equals("CERTIFICATE REQUEST")) {
                throw new IOException("PEM block type must be CERTIFICATE REQUEST");
            }
            return new PKCS10CertificationRequest(block.getContent());
        }
    }

    static String commonName(X500Name subject) {
        RDN[] cn = subject.getRDNs(BCStyle.CN);
        return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
    }

    static List<String> organizations(X500Name subject) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : subject.getRDNs(BCStyle.O)) {
            out.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
        }
        return out;
    }

    /** The subjectAltName extension the request asks for, or null. */
    static Extension subjectAltNames(PKCS10CertificationRequest request) {
        for (var attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            Extension san = extensions.getExtension(Extension.subjectAlternativeName);
            if (san != null) {
                return san;
            }
        }
        return null;
    }

    /**
     * kube's ValidateKubeletClientCSR: O exactly system:nodes, CN system:node:NAME, no subject alternative names, and
     * usages digital signature and client auth (key encipherment too for RSA keys). Null when it is one; else why not.
     */
    static String kubeletClientProblem(PKCS10CertificationRequest request, List<String> usages) {
        X500Name subject = request.getSubject();
        if (!organizations(subject).equals(List.of("system:nodes"))) {
            return "subject organization is not system:nodes";
        }
        if (subjectAltNames(request) != null) {
            return "subjectAltNames are not allowed";
        }
        if (!commonName(subject).startsWith("system:node:")) {
            return "subject common name does not begin with system:node:";
        }
        Set<String> asked = new HashSet<>(usages == null ? List.of() : usages);
        if (!asked.equals(KUBELET_USAGES) && !asked.equals(KUBELET_USAGES_NO_RSA)) {
            return "usages did not match [client auth digital signature key encipherment]";
        }
        return null;
    }
}
