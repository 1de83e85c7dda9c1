package io.coxswain.metrics;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * A component's own metrics port (kube-scheduler's and kube-controller-manager's {@code /metrics}): {@code GET /metrics}
 * and nothing else. Given {@link Tls} it serves HTTPS with a serving certificate and asks callers for client
 * certificates of the cluster CA, and every request passes its {@link Gate} first.
 */
public final class MetricsServer extends VerticleBase {

    /** Who may read the metrics: a status of 200 lets the request through; any other is the answer, with its text. */
    public interface Gate {
        Future<Verdict> check(HttpServerRequest request);
    }

    public record Verdict(int status, String message) {
        public static final Verdict ALLOWED = new Verdict(200, "");
    }

    /**
     * @param serving  the serving certificate and key
     * @param clientCa the CA (PEM) whose client certificates are taken, or null for bearer tokens only
     */
    public record Tls(KeyCertOptions serving, String clientCa) {
    }

    private final String host;
    private final int requestedPort;
    private final MetricsEndpoint endpoint;
    private final Tls tls;
    private final Gate gate;
    private HttpServer server;

    /** Plain HTTP, to anyone who reaches {@code host}: bind it to loopback. */
    public MetricsServer(String host, int port, ComponentMetrics metrics) {
        this(host, port, metrics, null, null);
    }

    public MetricsServer(String host, int port, ComponentMetrics metrics, Tls tls, Gate gate) {
        this.host = host;
        this.requestedPort = port;
        this.endpoint = new MetricsEndpoint(metrics);
        this.tls = tls;
        this.gate = gate;
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(requestedPort);
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(tls.serving());
            if (tls.clientCa() != null) {
                options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.clientCa()))).setClientAuth(ClientAuth.REQUEST);
            }
        }
        server = vertx.createHttpServer(options).requestHandler(this::handle);
        return server.listen();
    }

    private void handle(HttpServerRequest request) {
        if (!request.path().equals("/metrics")) {
            request.response().setStatusCode(404).end("not found: " + request.path());
            return;
        }
        if (request.method() != HttpMethod.GET) {
            request.response().setStatusCode(405).end();
            return;
        }
        if (gate == null) {
            endpoint.serve(vertx, request.response());
            return;
        }
        gate.check(request).onComplete(checked -> {
            if (checked.failed()) {
                request.response().setStatusCode(500).end("Authorization error: " + checked.cause().getMessage());
            } else if (checked.result().status() == 200) {
                endpoint.serve(vertx, request.response());
            } else {
                request.response().setStatusCode(checked.result().status()).putHeader("Content-Type", "text/plain")
                        .end(checked.result().message());
            }
        });
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
