package io.coxswain.dns;

import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The resolvers other names are forwarded to (CoreDNS's {@code forward . /etc/resolv.conf}). dnsjava sends
 * asynchronously on its own NIO selector thread, falls back to TCP on a truncated answer and tries the next resolver on
 * a timeout, so no event loop waits on the network.
 */
final class Upstream {

    private final Resolver resolver;
    private final List<InetSocketAddress> servers;

    Upstream(List<InetSocketAddress> servers, Duration timeout) {
        this.servers = servers;
        if (servers.isEmpty()) {
            resolver = null;
            return;
        }
        ExtendedResolver extended = new ExtendedResolver(servers.stream().map(a -> {
            SimpleResolver r = new SimpleResolver(a);
            r.setTimeout(timeout);
            return (Resolver) r;
        }).toList());
        extended.setTimeout(timeout);
        extended.setRetries(1);
        resolver = extended;
    }

    boolean configured() {
        return resolver != null;
    }

    List<InetSocketAddress> servers() {
        return servers;
    }

    CompletionStage<Message> send(Message query) {
        if (resolver == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no upstream resolvers are configured"));
        }
        return resolver.sendAsync(query);
    }
}
