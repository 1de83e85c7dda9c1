package io.coxswain.apiserver.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.RequestAttributes;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.WriteOptions;

/**
 * kube's admission plugin {@code certificates/approval}: an update of {@code certificatesigningrequests/approval} also
 * needs the verb {@code approve} on {@code signers} named by the request's signerName, or on {@code <domain>/*}.
 */
public final class SignerApproval implements ObjectService.WriteGuard {

    private final Authorizer authorizer;

    public SignerApproval(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public void check(ResourceInfo r, String namespace, ObjectNode before, ObjectNode after, WriteOptions options) {
        if (before == null || !"approval".equals(options.subresource()) || options.user() == null
                || !r.gvk().group().equals(CsrValidation.GROUP) || !r.kind().equals(CsrValidation.KIND)) {
            return;
        }
        // the new object's signer, as upstream, in case an approval tried to change it
        String signer = after.path("spec").path("signerName").asText("");
        if (!mayFor(authorizer, options.user(), "approve", signer)) {
            throw ApiException.forbidden(r.gvk().group(), r.plural(), after.path("metadata").path("name").asText(""),
                    "user not permitted to approve requests with signerName \"" + signer + "\"");
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
