package io.coxswain.apiserver.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * One HTTP server on one event loop. The apiserver deploys one per core on the same port, and Vert.x
 * spreads connections across them, so 1,000 watch streams are written by every core, not by one.
 */
public final class HttpVerticle extends VerticleBase {

    private final Handler<HttpServerRequest> handler;
    private final String host;
    private final int port;
    private HttpServer server;

    public HttpVerticle(Handler<HttpServerRequest> handler, String host, int port) {
        this.handler = handler;
        this.host = host;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        // No h2c upgrade: kube-apiserver has none, and Java's HttpClient sometimes waits forever on an upgraded stream.
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true)
                .setHttp2ClearTextEnabled(false));
        return server.requestHandler(handler).listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
