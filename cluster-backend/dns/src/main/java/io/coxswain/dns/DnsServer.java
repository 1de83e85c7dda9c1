package io.coxswain.dns;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The DNS listeners: UDP and TCP (two-byte length prefix, several queries per connection, RFC 7766) on each address.
 * Queries are answered on the verticle's event loop; a forwarded one completes on dnsjava's selector thread and is
 * written back through this verticle's context.
 */
final class DnsServer extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

    private final DnsHandler handler;
    private final List<String> addresses;
    private final int port;
    private final List<DatagramSocket> udp = new ArrayList<>();
    private final List<NetServer> tcp = new ArrayList<>();

    DnsServer(DnsHandler handler, List<String> addresses, int port) {
        this.handler = handler;
        this.addresses = addresses;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        List<Future<?>> bound = new ArrayList<>();
        bound.add(handler.upstream().start(vertx));
        for (String address : addresses) {
            DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(address.contains(":")));
            socket.handler(packet -> {
                byte[] wire = packet.data().getBytes();
                String host = packet.sender().host();
                int senderPort = packet.sender().port();
                reply(handler.handle(wire, false), bytes -> socket.send(Buffer.buffer(bytes), senderPort, host));
            });
            udp.add(socket);
            bound.add(socket.listen(port, address));
            NetServer server = vertx.createNetServer(new NetServerOptions().setHost(address).setPort(port)
                    // as CoreDNS's TCP read timeout: an idle connection goes, so no client holds sockets for ever
                    .setIdleTimeout(10).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS));
            server.connectHandler(this::serveTcp);
            tcp.add(server);
            bound.add(server.listen());
        }
        return Future.all(bound).onSuccess(v -> LOG.info("cluster DNS listening on {} port {} (UDP and TCP)", addresses, port));
    }

    private void serveTcp(NetSocket socket) {
        RecordParser parser = RecordParser.newFixed(2);
        boolean[] readingLength = {true};
        parser.handler(chunk -> {
            if (readingLength[0]) {
                int length = chunk.getUnsignedShort(0);
                if (length == 0) {
                    socket.close();
                    return;
                }
                parser.fixedSizeMode(length);
                readingLength[0] = false;
            } else {
                parser.fixedSizeMode(2);
                readingLength[0] = true;
                reply(handler.handle(chunk.getBytes(), true), bytes -> {
                    Buffer framed = Buffer.buffer(bytes.length + 2).appendUnsignedShort(bytes.length).appendBytes(bytes);
                    socket.write(framed);
                });
            }
        });
        socket.handler(parser);
        socket.exceptionHandler(e -> socket.close());
    }

    /** Writes the response on this verticle's context, whichever thread completed it; a null response is dropped. */
    private void reply(java.util.concurrent.CompletionStage<byte[]> response, java.util.function.Consumer<byte[]> write) {
        Context context = this.context;
        response.whenComplete((bytes, failure) -> {
            if (failure != null) {
                LOG.warn("DNS query failed: {}", failure.toString());
                return;
            }
            if (bytes == null) {
                return;
            }
            if (io.vertx.core.Vertx.currentContext() == context) {
                write.accept(bytes);
            } else {
                context.runOnContext(v -> write.accept(bytes));
            }
        });
    }

    @Override
    public Future<?> stop() {
        List<Future<?>> closed = new ArrayList<>();
        closed.add(handler.upstream().close());
        udp.forEach(s -> closed.add(s.close()));
        tcp.forEach(s -> closed.add(s.close()));
        return Future.join(closed);
    }
}
