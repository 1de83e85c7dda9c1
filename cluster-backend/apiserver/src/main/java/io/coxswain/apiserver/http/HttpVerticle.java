package io.coxswain.apiserver.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * One HTTP server on one event loop. The apiserver deploys one per core on the same port, and Vert.x
 * spreads connections across them, so 1,000 watch streams are written by every core, not by one.
 */
public final class HttpVerticle extends VerticleBase {

    private final Handler<HttpServerRequest> handler;
    private final String host;
    private final int port;
    private HttpServer server;

    private final io.coxswain.apiserver.auth.Security tls;

    public HttpVerticle(Handler<HttpServerRequest> handler, String host, int port) {
        this(handler, host, port, null);
    }

    /** @param tls team mode: TLS only, with the CA's serving certificate, asking (not requiring) client certificates */
    public HttpVerticle(Handler<HttpServerRequest> handler, String host, int port, io.coxswain.apiserver.auth.Security tls) {
        this.handler = handler;
        this.host = host;
        this.port = port;
        this.tls = tls;
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
        }
        server = vertx.createHttpServer(options);
        return server.requestHandler(handler).listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
