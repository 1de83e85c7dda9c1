package io.coxswain.dns;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * The resolvers other names are forwarded to (CoreDNS's {@code forward . /etc/resolv.conf}). Queries go out over one
 * UDP socket of the server's event loop, each under a fresh random ID, and an answer is taken only from the resolver
 * asked, with that ID; on a timeout the next resolver is asked (each twice at most, as CoreDNS's forward tries). A
 * truncated answer is asked again over TCP through dnsjava's asynchronous resolver. Everything but that TCP retry runs on
 * the event loop that {@link #start} was called on, so no lock is needed and nothing blocks.
 */
final class Upstream {

    /** Queries in flight to the upstream at most; a query past it is answered SERVFAIL at once. */
    static final int MAX_PENDING = 4096;

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, Pending> pending = new HashMap<>();
    private Vertx vertx;
    private DatagramSocket socket;

    private static final class Pending {
        final Message query;
        final byte[] wire;
        final CompletableFuture<Message> result = new CompletableFuture<>();
        int attempt;
        long timer;

        Pending(Message query, byte[] wire) {
            this.query = query;
            this.wire = wire;
        }
    }

    Upstream(List<InetSocketAddress> servers, Duration timeout) {
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    boolean configured() {
        return !servers.isEmpty();
    }

    /** Opens the outgoing socket; call on the server's context. */
    Future<?> start(Vertx owner) {
        this.vertx = owner;
        if (servers.isEmpty()) {
            return Future.succeededFuture();
        }
        socket = owner.createDatagramSocket(new DatagramSocketOptions());
        socket.handler(this::received);
        return socket.listen(0, "0.0.0.0");
    }

    Future<?> close() {
        pending.values().forEach(p -> p.result.completeExceptionally(new IOException("the DNS server stopped")));
        pending.clear();
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    /** Forwards the query (its ID is the caller's to restore); call on the server's context. */
    CompletionStage<Message> send(Message query) {
        if (servers.isEmpty() || socket == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no upstream resolvers are configured"));
        }
        if (pending.size() >= MAX_PENDING) {
            // a dead or slow upstream under load: refuse rather than grow without bound (or search forever for a free ID)
            return CompletableFuture.failedFuture(new IllegalStateException(MAX_PENDING + " queries already wait on the upstream"));
        }
        int id;
        do {
            id = random.nextInt(0x10000);
        } while (pending.containsKey(id));
        Message copy = query.clone();
        copy.getHeader().setID(id);
        Pending p = new Pending(copy, copy.toWire());
        pending.put(id, p);
        transmit(id, p);
        return p.result;
    }

    private InetSocketAddress server(Pending p) {
        return servers.get(p.attempt % servers.size());
    }

    private void transmit(int id, Pending p) {
        InetSocketAddress to = server(p);
        socket.send(Buffer.buffer(p.wire), to.getPort(), to.getAddress().getHostAddress());
        p.timer = vertx.setTimer(timeout.toMillis(), t -> timedOut(id, p));
    }

    private void timedOut(int id, Pending p) {
        if (pending.get(id) != p) {
            return;
        }
        p.attempt++;
        if (p.attempt >= servers.size() * 2) {
            pending.remove(id);
            p.result.completeExceptionally(new TimeoutException("no answer from " + servers + " in " + timeout.toMillis() + " ms"));
            return;
        }
        transmit(id, p);
    }

    private void received(DatagramPacket packet) {
        Buffer data = packet.data();
        if (data.length() < 12) {
            return;
        }
        int id = data.getUnsignedShort(0);
        Pending p = pending.get(id);
        if (p == null) {
            return;
        }
        InetSocketAddress asked = server(p);
        if (packet.sender().port() != asked.getPort() || !asked.getAddress().getHostAddress().equals(packet.sender().host())) {
            return; // not from the resolver asked: ignored, as a spoofed answer would be
        }
        Message answer;
        try {
            answer = new Message(data.getBytes());
        } catch (IOException e) {
            return;
        }
        pending.remove(id);
        vertx.cancelTimer(p.timer);
        if (answer.getHeader().getFlag(Flags.TC)) {
            SimpleResolver tcp = new SimpleResolver(asked);
            tcp.setTCP(true);
            tcp.setTimeout(timeout);
            tcp.sendAsync(p.query).whenComplete((full, error) -> {
                if (error != null) {
                    p.result.complete(answer);
                } else {
                    p.result.complete(full);
                }
            });
            return;
        }
        p.result.complete(answer);
    }
}
