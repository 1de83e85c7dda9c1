package io.coxswain.launcher;

import picocli.CommandLine.Option;

/** The address the apiserver listens on, {@code host:port}. */
final class ListenOption {

    @Option(names = "--listen", defaultValue = "127.0.0.1:6443", description = "address to listen on (default ${DEFAULT-VALUE})")
    String listen;

    String host() {
        return listen.substring(0, listen.lastIndexOf(':'));
    }

    int port() {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }
}
