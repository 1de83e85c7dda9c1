package io.coxswain.kubelet.server;

import io.coxswain.client.DelegatedAuth;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubelet's checks of its callers, with a reviewer standing in for the apiserver: the attributes as the kubelet's
 * auth.go maps them, its 401/403/500 texts, and the cache that spares the apiserver a review per request.
 */
class KubeletAuthTest {

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger tokenReviews = new AtomicInteger();
    private final List<String> accessReviews = new ArrayList<>();
    private volatile boolean apiserverDown;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private final KubeletAuth.Reviewer reviewer = new KubeletAuth.Reviewer() {
        @Override
        public DelegatedAuth.Caller token(String token) {
            tokenReviews.incrementAndGet();
            Map<String, DelegatedAuth.Caller> known = Map.of("admin-token", new DelegatedAuth.Caller("kube-apiserver-kubelet-client", "",
                    List.of("system:authenticated")), "alice-token", new DelegatedAuth.Caller("alice", "u1", List.of("system:authenticated")));
            return known.get(token);
        }

        @Override
        public boolean allowed(DelegatedAuth.Caller caller, String node, KubeletAuth.Attributes a) {
            if (apiserverDown) {
                throw new IllegalStateException("connection refused");
            }
            synchronized (accessReviews) {
                accessReviews.add(caller.user() + " " + a.verb() + " nodes/" + a.subresource() + " " + node);
            }
            return caller.user().equals("kube-apiserver-kubelet-client");
        }
    };

    @BeforeEach
    void start() {
        KubeletAuth auth = new KubeletAuth(vertx, "n1", reviewer);
        server = vertx.createHttpServer().requestHandler(request -> auth.check(request).onSuccess(outcome ->
                request.response().setStatusCode(outcome.status()).end(outcome.message()))).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void attributesAreTheKubelets() {
        assertThat(KubeletAuth.attributes("GET", "/containerLogs/ns/pod/c")).isEqualTo(new KubeletAuth.Attributes("get", "proxy"));
        assertThat(KubeletAuth.attributes("POST", "/exec/ns/pod/c")).isEqualTo(new KubeletAuth.Attributes("create", "proxy"));
        assertThat(KubeletAuth.attributes("PUT", "/stats/summary")).isEqualTo(new KubeletAuth.Attributes("update", "stats"));
        assertThat(KubeletAuth.attributes("PATCH", "/stats")).isEqualTo(new KubeletAuth.Attributes("patch", "stats"));
        assertThat(KubeletAuth.attributes("DELETE", "/metrics/cadvisor")).isEqualTo(new KubeletAuth.Attributes("delete", "metrics"));
        assertThat(KubeletAuth.attributes("GET", "/logs/syslog")).isEqualTo(new KubeletAuth.Attributes("get", "log"));
        assertThat(KubeletAuth.attributes("GET", "/spec/")).isEqualTo(new KubeletAuth.Attributes("get", "spec"));
        assertThat(KubeletAuth.attributes("GET", "/statsx")).as("not a subpath").isEqualTo(new KubeletAuth.Attributes("get", "proxy"));
        assertThat(KubeletAuth.attributes("HEAD", "/pods")).isEqualTo(new KubeletAuth.Attributes("", "proxy"));
    }

    @Test
    void noCredentialsIs401AndAnUnknownTokenToo() throws Exception {
        HttpResponse<String> none = call("GET", "/containerLogs/ns/pod/c", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).isEqualTo("Unauthorized");
        assertThat(call("GET", "/containerLogs/ns/pod/c", "guess").statusCode()).isEqualTo(401);
        assertThat(accessReviews).as("nobody is not authorized at all").isEmpty();
    }

    @Test
    void aUserRbacRefusesIs403InTheKubeletsWordsAndAnAllowedOnePasses() throws Exception {
        HttpResponse<String> alice = call("GET", "/containerLogs/ns/pod/c", "alice-token");
        assertThat(alice.statusCode()).isEqualTo(403);
        assertThat(alice.body()).isEqualTo("Forbidden (user=alice, verb=get, resource=nodes, subresource=proxy)");
        assertThat(call("POST", "/logs/x", "alice-token").body()).isEqualTo("Forbidden (user=alice, verb=create, resource=nodes, subresource=log)");
        assertThat(call("GET", "/containerLogs/ns/pod/c", "admin-token").statusCode()).isEqualTo(200);
        assertThat(accessReviews).containsExactly("alice get nodes/proxy n1", "alice create nodes/log n1",
                "kube-apiserver-kubelet-client get nodes/proxy n1");
    }

    @Test
    void answersAreCachedSoRepeatedCallsAskTheApiserverOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(call("GET", "/containerLogs/ns/pod/c", "admin-token").statusCode()).isEqualTo(200);
            assertThat(call("GET", "/containerLogs/ns/pod/c", "alice-token").statusCode()).isEqualTo(403);
            assertThat(call("GET", "/containerLogs/ns/pod/c", "guess").statusCode()).isEqualTo(401);
        }
        assertThat(tokenReviews.get()).isEqualTo(3);
        assertThat(accessReviews).hasSize(2);
        assertThat(KubeletAuth.TOKEN_TTL).hasSeconds(120);
        assertThat(KubeletAuth.REFUSAL_TTL).hasSeconds(30);
    }

    @Test
    void anApiserverThatCannotBeAskedIsAnAuthorizationError() throws Exception {
        apiserverDown = true;
        HttpResponse<String> failed = call("GET", "/containerLogs/ns/pod/c", "admin-token");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("Authorization error (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource=proxy)");
    }
}
