package io.coxswain.apiserver.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.HashMap;
import java.util.Map;

/**
 * One HTTP server on one event loop. The apiserver deploys one per core on the same port, and Vert.x
 * spreads connections across them, so 1,000 watch streams are written by every core, not by one.
 *
 * <p>Slow clients are cut off, the defence against slowloris: a connection that has not sent a whole request
 * head within {@code slowClientMillis} of connecting (or of its previous answer), or a whole body within that
 * time of its head, is closed. Vert.x's idle timeout cannot do this job: it would also close a quiet watch,
 * which sends nothing for minutes by design. So a sweep once a second looks at each connection: idle (no
 * request yet, or the last one answered) for too long, or a request whose body is still coming in after too
 * long, and the connection goes. A request being answered (a watch, a long list) is never cut.
 */
public final class HttpVerticle extends VerticleBase {

    private static final long SWEEP_MILLIS = 1_000;

    private final Handler<HttpServerRequest> handler;
    private final String host;
    private final int port;
    private final long slowClientMillis;
    /** This event loop's connections; touched only on it. */
    private final Map<HttpConnection, Exchange> connections = new HashMap<>();
    private HttpServer server;
    private long sweep = -1;

    private final io.coxswain.apiserver.auth.Security tls;

    /** What one connection is doing: waiting for a request since {@code since}, or serving {@code request}, started then. */
    private static final class Exchange {
        HttpServerRequest request;
        long since;

        Exchange(long since) {
            this.since = since;
        }
    }

    public HttpVerticle(Handler<HttpServerRequest> handler, String host, int port) {
        this(handler, host, port, null, io.coxswain.apiserver.ApiServerOptions.DEFAULT_SLOW_CLIENT_MILLIS);
    }

    /**
     * @param tls              team mode: TLS only, with the CA's serving certificate, asking (not requiring) client certificates
     * @param slowClientMillis how long a connection may take over a request head or body, or sit idle; 0 for no limit
     */
    public HttpVerticle(Handler<HttpServerRequest> handler, String host, int port, io.coxswain.apiserver.auth.Security tls,
                        long slowClientMillis) {
        this.handler = handler;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.slowClientMillis = slowClientMillis;
    }

    @Override
    public Future<?> start() {
        // No h2c upgrade: kube-apiserver has none, and Java's HttpClient sometimes waits forever on an upgraded stream.
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true)
                .setHttp2ClearTextEnabled(false);
        if (tls != null) {
            // Client auth REQUEST: a certificate is checked against the CA when sent, and token clients send none.
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile().toString()))
                    .setClientAuth(ClientAuth.REQUEST);
            if (io.vertx.core.net.OpenSSLEngineOptions.isAvailable()) {
                // BoringSSL (netty-tcnative) where its native library loads: the JDK's TLS about doubled the server's CPU
                // per request and made a thousand handshakes take seconds; it also keeps sessions for resumption
                options.setSslEngineOptions(new io.vertx.core.net.OpenSSLEngineOptions());
            }
        }
        server = vertx.createHttpServer(options);
        if (slowClientMillis > 0) {
            server.connectionHandler(connection -> {
                connections.put(connection, new Exchange(System.nanoTime()));
                connection.closeHandler(v -> connections.remove(connection));
            });
            sweep = vertx.setPeriodic(Math.min(SWEEP_MILLIS, slowClientMillis), id -> sweep());
        }
        return server.requestHandler(request -> {
            if (slowClientMillis > 0) {
                if (request.canUpgradeToWebSocket()) {
                    // Its head is in; from here the WebSocket (a watch) lives as long as it is served.
                    connections.remove(request.connection());
                }
                Exchange exchange = connections.get(request.connection());
                if (exchange != null) {
                    exchange.request = request;
                    exchange.since = System.nanoTime();
                }
            }
            handler.handle(request);
        }).listen();
    }

    private void sweep() {
        long now = System.nanoTime();
        long limit = slowClientMillis * 1_000_000L;
        connections.entrySet().removeIf(entry -> {
            Exchange exchange = entry.getValue();
            HttpServerRequest request = exchange.request;
            if (request != null && (request.response().ended() || request.response().closed())) {
                // Answered: from now the connection waits for its next request head.
                exchange.request = null;
                exchange.since = now;
                return false;
            }
            boolean waitingForHead = request == null;
            boolean waitingForBody = request != null && !request.isEnded();
            if ((waitingForHead || waitingForBody) && now - exchange.since >= limit) {
                entry.getKey().close();
                return true;
            }
            return false;
        });
    }

    /**
     * Graceful: the server stops accepting connections, and each connection closes once its in-flight requests are
     * answered (HTTP/1.1 with {@code Connection: close}, HTTP/2 with GOAWAY), or when {@code timeout} runs out.
     */
    public Future<Void> drain(java.time.Duration timeout) {
        io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
        context.runOnContext(v -> (server == null ? Future.<Void>succeededFuture()
                : server.shutdown(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).onComplete(drained));
        return drained.future();
    }

    @Override
    public Future<?> stop() {
        if (sweep >= 0) {
            vertx.cancelTimer(sweep);
        }
        return server == null ? Future.succeededFuture() : server.close();
    }
}
