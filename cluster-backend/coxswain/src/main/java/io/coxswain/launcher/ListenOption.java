package io.coxswain.launcher;

import picocli.CommandLine.Option;

/** Where the apiserver listens, {@code host:port}, and the Service range it allocates from. */
final class ListenOption {

    @Option(names = "--listen", defaultValue = "127.0.0.1:6443", description = "address to listen on (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--service-cluster-ip-range", defaultValue = "10.96.0.0/16",
            description = "where Service cluster IPs come from (default ${DEFAULT-VALUE})")
    String serviceRange;

    String host() {
        return listen.substring(0, listen.lastIndexOf(':'));
    }

    int port() {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }
}
