package io.coxswain.apiserver.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.WriteOptions;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * kube's admission plugins for CertificateSigningRequests:
 * <ul>
 *   <li>{@code certificates/approval}: an update of {@code /approval} also needs {@code approve} on the {@code signers}
 *       named by the request's signerName, or on {@code <domain>/*};</li>
 *   <li>{@code certificates/signing}: a {@code /status} update that changes the certificate needs {@code sign} on them;</li>
 *   <li>{@code certificates/subjectrestriction}: no request to {@code kubernetes.io/kube-apiserver-client} for the
 *       group system:masters, whoever would approve it.</li>
 * </ul>
 */
public final class SignerAdmission implements ObjectService.WriteGuard {

    private static final String API_SERVER_CLIENT = "kubernetes.io/kube-apiserver-client";

    private final Authorizer authorizer;

    public SignerAdmission(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public void check(ResourceInfo r, String namespace, ObjectNode before, ObjectNode after, WriteOptions options) {
        if (!r.gvk().group().equals(CsrValidation.GROUP) || !r.kind().equals(CsrValidation.KIND)) {
            return;
        }
        String name = after.path("metadata").path("name").asText("");
        if (before == null) {
            restrictSubject(r, name, after);
            return;
        }
        if (options.user() == null) {
            return;
        }
        if ("approval".equals(options.subresource())) {
            // the new object's signer, as upstream, in case an approval tried to change it
            String signer = after.path("spec").path("signerName").asText("");
            if (!mayFor(authorizer, options.user(), "approve", signer)) {
                throw ApiException.forbidden(r.gvk().group(), r.plural(), name,
                        "user not permitted to approve requests with signerName \"" + signer + "\"");
            }
        } else if ("status".equals(options.subresource())
                && !before.path("status").path("certificate").equals(after.path("status").path("certificate"))) {
            String signer = before.path("spec").path("signerName").asText("");
            if (!mayFor(authorizer, options.user(), "sign", signer)) {
                throw ApiException.forbidden(r.gvk().group(), r.plural(), name,
                        "user not permitted to sign requests with signerName \"" + signer + "\"");
            }
        }
    }

    private static void restrictSubject(ResourceInfo r, String name, ObjectNode csr) {
        String signer = csr.path("spec").path("signerName").asText("");
        if (!signer.equals(API_SERVER_CLIENT)) {
            return;
        }
        // validation has parsed it already; a request that does not parse was refused there
        var request = CsrValidation.parseRequest(new String(Base64.getDecoder().decode(csr.path("spec").path("request").asText("")),
                StandardCharsets.US_ASCII));
        for (RDN o : request.getSubject().getRDNs(BCStyle.O)) {
            if (IETFUtils.valueToString(o.getFirst().getValue()).equals("system:masters")) {
                throw ApiException.forbidden(r.gvk().group(), r.plural(), name,
                        "use of " + signer + " signer with system:masters group is not allowed");
            }
        }
    }

    /** IsAuthorizedForSignerName: the verb on the signer by name, else on its domain's wildcard. */
    static boolean mayFor(Authorizer authorizer, UserInfo user, String verb, String signerName) {
        if (authorizer.authorize(signers(user, verb, signerName)).allowed()) {
            return true;
        }
        String domain = signerName.split("/", 2)[0];
        return authorizer.authorize(signers(user, verb, domain + "/*")).allowed();
    }

    private static RequestAttributes signers(UserInfo user, String verb, String name) {
        return new RequestAttributes(user, verb, true, CsrValidation.GROUP, "signers", null, "", name, "");
    }
}
