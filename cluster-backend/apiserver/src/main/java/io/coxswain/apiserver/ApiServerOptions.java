package io.coxswain.apiserver;

/**
 * How the apiserver listens and what it allows.
 *
 * @param port            0 picks a free one; {@link ApiServer#port()} tells which
 * @param serviceCidr     where Service cluster IPs come from
 * @param bookmarkMillis  how often a watch that allows bookmarks gets one
 */
public record ApiServerOptions(String host, int port, String serviceCidr, int maxBodyBytes, int maxReadInflight,
                               int maxMutatingInflight, long bookmarkMillis) {

    public static ApiServerOptions defaults() {
        return new ApiServerOptions("127.0.0.1", 6443, "10.96.0.0/16", 3 * 1024 * 1024, 400, 200, 60_000);
    }

    public ApiServerOptions withListen(String host, int port) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis);
    }

    public ApiServerOptions withServiceCidr(String cidr) {
        return new ApiServerOptions(host, port, cidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, bookmarkMillis);
    }

    public ApiServerOptions withBookmarkMillis(long millis) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, maxReadInflight, maxMutatingInflight, millis);
    }

    public ApiServerOptions withInflight(int read, int mutating) {
        return new ApiServerOptions(host, port, serviceCidr, maxBodyBytes, read, mutating, bookmarkMillis);
    }
}
