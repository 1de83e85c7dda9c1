package io.coxswain.launcher;

import io.coxswain.apiserver.ApiServerOptions;
import picocli.CommandLine.Option;

/**
 * Where the apiserver listens, {@code host:port}, the Service range it allocates from, and what it allows one client:
 * open watches, and time to send a request.
 */
final class ListenOption {

    @Option(names = "--listen", defaultValue = "127.0.0.1:6443", description = "address to listen on (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--service-cluster-ip-range", defaultValue = "10.96.0.0/16",
            description = "where Service cluster IPs come from (default ${DEFAULT-VALUE})")
    String serviceRange;

    @Option(names = "--max-watches-per-client", defaultValue = "2000",
            description = "watches one client (its user, or its address) may hold open; past it a watch gets 429 (default ${DEFAULT-VALUE})")
    int maxWatchesPerClient = ApiServerOptions.DEFAULT_MAX_WATCHES_PER_CLIENT;

    @Option(names = "--slow-client-timeout", defaultValue = "60",
            description = "seconds a connection may take to send a whole request, or sit idle between requests, "
                    + "before it is closed (default ${DEFAULT-VALUE})")
    int slowClientSeconds = (int) (ApiServerOptions.DEFAULT_SLOW_CLIENT_MILLIS / 1000);

    @Option(names = "--disable-admission-plugins", split = ",", paramLabel = "PLUGIN",
            description = "admission plugins to turn off; ServiceAccount is the one that can be (it needs the controller-manager's "
                    + "default ServiceAccounts: an apiserver run alone may turn it off)")
    java.util.Set<String> disabledAdmission = new java.util.TreeSet<>();

    /** The plugins to turn off, refused when one is not a plugin that can be. */
    java.util.Set<String> disabledAdmission() {
        for (String plugin : disabledAdmission) {
            if (!plugin.equals("ServiceAccount")) {
                throw new IllegalArgumentException("--disable-admission-plugins: unknown or required plugin \"" + plugin
                        + "\"; only ServiceAccount can be turned off");
            }
        }
        return disabledAdmission;
    }

    @Option(names = "--advertise-address", paramLabel = "IP",
            description = "the address the kubernetes Service's Endpoints name, which pods reach the API at (default: the --listen "
                    + "address; 127.0.0.1 when that is a wildcard, reached from pods through kube-proxy's DNAT)")
    String advertiseAddress;

    String host() {
        return listen.substring(0, listen.lastIndexOf(':'));
    }

    int port() {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }
}
