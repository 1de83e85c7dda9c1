package io.coxswain.client;

import io.coxswain.client.DelegatedAuth.Caller;
import io.coxswain.client.DelegatedAuth.NonResource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A component's metrics port as kube-scheduler's checks it: a non-resource SubjectAccessReview of the path, with a
 * reviewer standing in for the apiserver (the kubelet's mapping on the same class is KubeletAuthTest's).
 */
class DelegatedAuthTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<String> reviews = new ArrayList<>();
    private HttpServer server;

    private final DelegatedAuth.Reviewer<NonResource> reviewer = new DelegatedAuth.Reviewer<>() {
        @Override
        public Caller token(String token) {
            return Map.of("monitor-token", new Caller("prometheus", "", List.of("system:monitoring")),
                    "bob-token", new Caller("bob", "u2", List.of("system:authenticated"))).get(token);
        }

        @Override
        public boolean allowed(Caller caller, NonResource a) {
            synchronized (reviews) {
                reviews.add(caller.user() + " " + a.verb() + " " + a.path());
            }
            return caller.groups().contains("system:monitoring") && a.path().equals("/metrics");
        }
    };

    @BeforeEach
    void start() {
        DelegatedAuth<NonResource> auth = new DelegatedAuth<>(vertx, reviewer, a -> "verb=" + a.verb() + ", path=" + a.path());
        server = vertx.createHttpServer().requestHandler(request -> auth.check(request,
                        new NonResource(request.method().name().toLowerCase(Locale.ROOT), request.path()))
                .onSuccess(outcome -> request.response().setStatusCode(outcome.status()).end(outcome.message())))
                .listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMonitorMayReadTheMetricsAndNobodyElse() throws Exception {
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "guess").statusCode()).isEqualTo(401);
        HttpResponse<String> bob = get("/metrics", "bob-token");
        assertThat(bob.statusCode()).isEqualTo(403);
        assertThat(bob.body()).isEqualTo("Forbidden (user=bob, verb=get, path=/metrics)");
        assertThat(get("/metrics", "monitor-token").statusCode()).isEqualTo(200);
        assertThat(get("/metrics", "monitor-token").statusCode()).as("the decision is cached").isEqualTo(200);
        assertThat(get("/debug", "monitor-token").statusCode()).isEqualTo(403);
        assertThat(reviews).containsExactly("bob get /metrics", "prometheus get /metrics", "prometheus get /debug");
    }
}
