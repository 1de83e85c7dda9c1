package io.coxswain.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsServerTest {

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryWithTheJvmsFiguresInPrometheusText() throws Exception {
        try (ComponentMetrics metrics = new ComponentMetrics()) {
            Vertx vertx = ComponentMetrics.instrumentedVertx(metrics.registry());
            try {
                MetricsServer server = new MetricsServer("127.0.0.1", 0, metrics);
                vertx.deployVerticle(server).await();
                HttpResponse<String> scraped = get(server.port(), "/metrics");
                assertThat(scraped.statusCode()).isEqualTo(200);
                assertThat(scraped.headers().firstValue("Content-Type")).contains(MetricsEndpoint.CONTENT_TYPE);
                assertThat(scraped.body()).contains("# TYPE jvm_memory_used_bytes gauge", "jvm_gc_", "jvm_threads_live_threads",
                        "jvm_classes_loaded_classes", "system_cpu_count", "process_uptime_seconds");
                // Vert.x's own figures (its worker pools); its HTTP servers' per-request timers are off, the apiserver
                // times requests itself
                String again = get(server.port(), "/metrics").body();
                assertThat(again).contains("vertx_pool_in_use").doesNotContain("vertx_http_server_requests_total");
                assertThat(get(server.port(), "/other").statusCode()).isEqualTo(404);
            } finally {
                vertx.close().await();
            }
        }
    }

    @Test
    void aGateDecidesWhoReads() throws Exception {
        try (ComponentMetrics metrics = new ComponentMetrics()) {
            Vertx vertx = Vertx.vertx();
            try {
                MetricsServer server = new MetricsServer("127.0.0.1", 0, metrics, null,
                        request -> Future.succeededFuture(request.getHeader("Authorization") == null
                                ? new MetricsServer.Verdict(401, "Unauthorized") : MetricsServer.Verdict.ALLOWED));
                vertx.deployVerticle(server).await();
                HttpResponse<String> refused = get(server.port(), "/metrics");
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(refused.body()).isEqualTo("Unauthorized");
                HttpResponse<String> allowed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/metrics")).header("Authorization", "Bearer x").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(allowed.statusCode()).isEqualTo(200);
                assertThat(allowed.body()).contains("jvm_memory_used_bytes");
            } finally {
                vertx.close().await();
            }
        }
    }

    @Test
    void bucketsAreGivenInSeconds() {
        assertThat(Buckets.seconds(0.005, 1)).containsExactly(java.time.Duration.ofMillis(5), java.time.Duration.ofSeconds(1));
        assertThat(Buckets.exponential(0.001, 2, 3)).containsExactly(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2),
                java.time.Duration.ofMillis(4));
    }
}
