package io.coxswain.apiserver.auth;

import io.coxswain.apiserver.serviceaccount.ServiceAccountKeys;

import java.nio.file.Path;
import java.util.List;

/**
 * Team mode's settings for the apiserver: TLS from the cluster CA, bearer tokens and client certificates to
 * authenticate, and the audit log. Without it (loopback development) the server speaks plain HTTP and every
 * request is {@link UserInfo#UNSECURED}.
 *
 * @param tokenFile the {@code --token-auth-file}, re-read when it changes
 * @param auditLog  where the audit log goes, or null for none
 * @param kubeletClient the client certificate the apiserver calls kubelets with (kube-apiserver's
 *                      {@code --kubelet-client-certificate}), or null to call them without one
 * @param auditRotation when the audit log file is rotated
 * @param bootstrapTokenAuth whether bearer tokens id.secret are looked up as bootstrap-token Secrets in kube-system
 *                           (kube-apiserver's {@code --enable-bootstrap-token-auth}, which kubeadm turns on)
 * @param serviceAccountKeys what service account tokens are signed and verified with; null: a key pair made for this
 *                           run only (tokens then die with the process)
 */
public record Security(Path caFile, Path certFile, Path keyFile, Path tokenFile, Path auditLog, Pki.Issued kubeletClient,
                       AuditRotation auditRotation, boolean bootstrapTokenAuth, ServiceAccountKeys serviceAccountKeys) {

    public Security(Path caFile, Path certFile, Path keyFile, Path tokenFile, Path auditLog, Pki.Issued kubeletClient,
                    AuditRotation auditRotation, boolean bootstrapTokenAuth) {
        this(caFile, certFile, keyFile, tokenFile, auditLog, kubeletClient, auditRotation, bootstrapTokenAuth, null);
    }

    public Security(Path caFile, Path certFile, Path keyFile, Path tokenFile, Path auditLog, Pki.Issued kubeletClient,
                    AuditRotation auditRotation) {
        this(caFile, certFile, keyFile, tokenFile, auditLog, kubeletClient, auditRotation, true);
    }

    public Security(Path caFile, Path certFile, Path keyFile, Path tokenFile, Path auditLog) {
        this(caFile, certFile, keyFile, tokenFile, auditLog, null);
    }

    public Security(Path caFile, Path certFile, Path keyFile, Path tokenFile, Path auditLog, Pki.Issued kubeletClient) {
        this(caFile, certFile, keyFile, tokenFile, auditLog, kubeletClient, AuditRotation.DEFAULT);
    }

    public Security withAuditRotation(AuditRotation rotation) {
        return new Security(caFile, certFile, keyFile, tokenFile, auditLog, kubeletClient, rotation, bootstrapTokenAuth,
                serviceAccountKeys);
    }

    public Security withBootstrapTokenAuth(boolean enabled) {
        return new Security(caFile, certFile, keyFile, tokenFile, auditLog, kubeletClient, auditRotation, enabled,
                serviceAccountKeys);
    }

    public Security withServiceAccountKeys(ServiceAccountKeys keys) {
        return new Security(caFile, certFile, keyFile, tokenFile, auditLog, kubeletClient, auditRotation, bootstrapTokenAuth, keys);
    }

    /**
     * TLS and authentication from the CA in {@code pkiDir} (made on first use): a serving certificate that covers
     * {@code sans}, and a client certificate of the apiserver's own for calling kubelets, made at each start and bound
     * to system:kubelet-api-admin.
     */
    public static Security fromPki(Path pkiDir, List<String> sans, Path tokenFile, Path auditLog) {
        Pki pki = Pki.open(pkiDir);
        pki.ensureServing(sans);
        Pki.Issued kubeletClient = pki.issueClient(io.coxswain.apiserver.rbac.BootstrapPolicy.KUBELET_CLIENT, List.of());
        return new Security(pki.caFile(), pki.serverCertFile(), pki.serverKeyFile(), tokenFile, auditLog, kubeletClient)
                .withServiceAccountKeys(ServiceAccountKeys.load(pkiDir, null, List.of(), null, List.of()));
    }
}
