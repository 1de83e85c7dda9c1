package io.coxswain.apiserver;

import io.coxswain.apiserver.auth.Authorizer;
import io.coxswain.apiserver.auth.Security;
import io.coxswain.apiserver.registry.ObjectService;

import java.util.function.Function;

/**
 * How the apiserver listens and what it allows.
 *
 * @param port                0 picks a free one; {@link ApiServer#port()} tells which
 * @param serviceCidr         where Service cluster IPs come from
 * @param bookmarkMillis      how often a watch that allows bookmarks gets one
 * @param security            team mode (TLS, authentication, audit), or null for plain HTTP without authentication
 * @param authorizer          makes the authorizer that team mode asks after its own chain (node restriction,
 *                            system:masters) instead of RBAC, the default (null); it gets the object service. Unused
 *                            without {@code security}.
 * @param maxWatchesPerClient how many watches one client (its user, or without one its address) may hold open at once;
 *                            past it a watch gets 429
 * @param slowClientMillis    how long a connection may take to send a whole request (head and body), or sit idle
 *                            between requests, before it is closed: the defence against slowloris
 * @param disabledAdmission   admission plugins turned off ({@code --disable-admission-plugins}): only
 *                            {@code ServiceAccount} can be, for an apiserver run without a controller-manager
 * @param advertiseAddress    the address the {@code kubernetes} Service's Endpoints name ({@code --advertise-address});
 *                            null: the listen address, or 127.0.0.1 when it listens on every address
 */
public record ApiServerOptions(String host, int port, String serviceCidr, int maxBodyBytes, int maxReadInflight,
                               int maxMutatingInflight, long bookmarkMillis, Security security,
                               Function<ObjectService, Authorizer> authorizer, int maxWatchesPerClient, long slowClientMillis,
                               java.util.Set<String> disabledAdmission, String advertiseAddress) {

    public ApiServerOptions {
        disabledAdmission = disabledAdmission == null ? java.util.Set.of() : java.util.Set.copyOf(disabledAdmission);
    }

    /** 2,000: above the 1,000 watch streams from one client that the watch fan-out budget is measured with. */
    public static final int DEFAULT_MAX_WATCHES_PER_CLIENT = 2_000;
    public static final long DEFAULT_SLOW_CLIENT_MILLIS = 60_000;

    public static ApiServerOptions defaults() {
        return new ApiServerOptions("127.0.0.1", 6443, "10.96.0.0/16", 3 * 1024 * 1024, 400, 200, 60_000, null, null,
                DEFAULT_MAX_WATCHES_PER_CLIENT, DEFAULT_SLOW_CLIENT_MILLIS, java.util.Set.of(), null);
    }

    public ApiServerOptions withListen(String host, int port) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, maxWatchesPerClient, slowClientMillis, disabledAdmission, advertiseAddress);
    }

    public ApiServerOptions withServiceCidr(String cidr) {
        return new ApiServerOptions(host, port, cidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, maxWatchesPerClient, slowClientMillis, disabledAdmission, advertiseAddress);
    }

    public ApiServerOptions withBookmarkMillis(long millis) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, millis,
                security, authorizer, maxWatchesPerClient, slowClientMillis, disabledAdmission, advertiseAddress);
    }

    public ApiServerOptions withInflight(int read, int mutating) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, read, mutating, bookmarkMillis, security, authorizer,
                maxWatchesPerClient, slowClientMillis, disabledAdmission, advertiseAddress);
    }

    /** Team mode: TLS only, every request authenticated and authorized, mutations audited. */
    public ApiServerOptions withSecurity(Security security) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, maxWatchesPerClient, slowClientMillis, disabledAdmission, advertiseAddress);
    }

    /** The authorizer after team mode's own chain instead of RBAC (null, the default: RBAC over the stored roles). */
    public ApiServerOptions withAuthorizer(Function<ObjectService, Authorizer> authorizer) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, maxWatchesPerClient, slowClientMillis, disabledAdmission, advertiseAddress);
    }

    public ApiServerOptions withMaxWatchesPerClient(int max) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, max, slowClientMillis, disabledAdmission, advertiseAddress);
    }

    public ApiServerOptions withSlowClientMillis(long millis) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, maxWatchesPerClient, millis, disabledAdmission, advertiseAddress);
    }

    /** Turns admission plugins off, by kube's names ({@code ServiceAccount}). */
    public ApiServerOptions withDisabledAdmission(java.util.Set<String> plugins) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, maxWatchesPerClient, slowClientMillis, plugins, advertiseAddress);
    }

    public ApiServerOptions withAdvertiseAddress(String address) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis,
                security, authorizer, maxWatchesPerClient, slowClientMillis, disabledAdmission, address);
    }

    /** What the kubernetes Service's Endpoints name: the advertise address, else the listen address unless a wildcard. */
    public String endpointAddress() {
        if (advertiseAddress != null && !advertiseAddress.isBlank()) {
            return advertiseAddress;
        }
        return host.equals("0.0.0.0") || host.equals("::") || host.isEmpty() ? "127.0.0.1" : host;
    }
}
