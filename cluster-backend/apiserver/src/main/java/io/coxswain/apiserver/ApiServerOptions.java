package io.coxswain.apiserver;

import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.Security;
import io.coxswain.apiserver.registry.ObjectService;

import java.util.function.Function;

/**
 * How the apiserver listens and what it allows.
 *
 * @param port            0 picks a free one; {@link ApiServer#port()} tells which
 * @param serviceCidr     where Service cluster IPs come from
 * @param bookmarkMillis  how often a watch that allows bookmarks gets one
 * @param security        team mode (TLS, authentication, audit), or null for plain HTTP without authentication
 * @param authorizer      makes the authorizer that team mode asks after its own chain (node restriction,
 *                        system:masters) instead of RBAC, the default (null); it gets the object service. Unused
 *                        without {@code security}.
 */
public record ApiServerOptions(String host, int port, String serviceCidr, int maxBodyBytes, int maxReadInflight,
                               int maxMutatingInflight, long bookmarkMillis, Security security,
                               Function<ObjectService, Authorizer> authorizer) {

    public static ApiServerOptions defaults() {
        return new ApiServerOptions("127.0.0.1", 6443, "10.96.0.0/16", 3 * 1024 * 1024, 400, 200, 60_000, null, null);
    }

    public ApiServerOptions withListen(String host, int port) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer);
    }

    public ApiServerOptions withServiceCidr(String cidr) {
        return new ApiServerOptions(host, port, cidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer);
    }

    public ApiServerOptions withBookmarkMillis(long millis) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, millis,
                security, authorizer);
    }

    public ApiServerOptions withInflight(int read, int mutating) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, read, mutating, bookmarkMillis, security, authorizer);
    }

    /** Team mode: TLS only, every request authenticated and authorized, mutations audited. */
    public ApiServerOptions withSecurity(Security security) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer);
    }

    /** The authorizer after team mode's own chain instead of RBAC (null, the default: RBAC over the stored roles). */
    public ApiServerOptions withAuthorizer(Function<ObjectService, Authorizer> authorizer) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer);
    }
}
