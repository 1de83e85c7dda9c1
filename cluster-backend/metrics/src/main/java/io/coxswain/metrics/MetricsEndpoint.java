package io.coxswain.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/** Answers a GET of {@code /metrics} with a component's registry, scraped on a worker thread, never the event loop. */
public final class MetricsEndpoint {

    /** Prometheus's text format, version 0.0.4: what every Prometheus scrapes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ComponentMetrics metrics;

    public MetricsEndpoint(ComponentMetrics metrics) {
        this.metrics = metrics;
    }

    public void serve(Vertx vertx, HttpServerResponse response) {
        vertx.executeBlocking(metrics::scrape, false).onComplete(scraped -> {
            if (scraped.succeeded()) {
                response.putHeader("Content-Type", CONTENT_TYPE).end(scraped.result());
            } else {
                response.setStatusCode(500).putHeader("Content-Type", "text/plain").end("could not gather metrics: " + scraped.cause());
            }
        });
    }
}
