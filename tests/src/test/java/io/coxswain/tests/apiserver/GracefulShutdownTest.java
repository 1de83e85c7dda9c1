package io.coxswain.tests.apiserver;

import io.coxswain.tests.cluster.AdminHttp;
import io.coxswain.tests.cluster.ApiServerProcess;
import io.coxswain.tests.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube-apiserver's health endpoints and graceful termination, on the apiserver from the built jar: /readyz and /livez
 * list their checks as kube's do (also through kubectl get --raw, and to an anonymous client); on SIGTERM readyz turns
 * 500 with [-]shutdown while requests are still answered for the shutdown delay, then the watch ends cleanly, the
 * requests in flight are answered, and the process exits. No request that reached the server fails.
 */
class GracefulShutdownTest {

    private static final String READY = "[+]ping ok\n[+]etcd ok\n[+]informer-sync ok\n[+]shutdown ok\nreadyz check passed\n";
    private static final String SHUTTING_DOWN =
            "[+]ping ok\n[+]etcd ok\n[+]informer-sync ok\n[-]shutdown failed: reason withheld\nreadyz check failed\n";

    @Test
    void healthIsKubesAndSigtermDrainsWithoutFailingARequest(@TempDir Path dir) throws Exception {
        try (ApiServerProcess server = ApiServerProcess.start(dir, "--shutdown-delay-duration", "3s", "--shutdown-drain-timeout", "20s")) {
            HttpClient http = server.http().http();
            assertThat(get(http, server, "/readyz?verbose").body()).isEqualTo(READY);
            assertThat(get(http, server, "/livez?verbose").body()).isEqualTo("[+]ping ok\n[+]etcd ok\nlivez check passed\n");
            assertThat(get(http, server, "/healthz").body()).isEqualTo("ok");
            assertThat(get(http, server, "/readyz/etcd").body()).isEqualTo("ok");
            assertThat(get(http, server, "/readyz?verbose&exclude=etcd").body()).contains("[+]etcd excluded: ok\n");
            Kubectl.Result raw = new Kubectl(server.kubeconfig(), dir.resolve("kubectl")).run(new String[]{"get", "--raw=/readyz?verbose"});
            assertThat(raw.exitCode()).as(raw.stderr()).isZero();
            assertThat(raw.stdout()).isEqualTo(READY);
            // anyone may ask whether it is ready (system:public-info-viewer), not for the checks one by one
            HttpClient anonymous = HttpClient.newBuilder().sslContext(AdminHttp.trusting(dir.resolve("data/pki/ca.crt"))).build();
            assertThat(get(anonymous, server, "/readyz")).extracting(HttpResponse::statusCode, HttpResponse::body).containsExactly(200, "ok");
            assertThat(get(anonymous, server, "/livez").statusCode()).isEqualTo(200);
            assertThat(get(anonymous, server, "/readyz/etcd").statusCode()).isIn(401, 403);

            try (KubernetesClient client = server.newClient()) {
                for (int i = 0; i < 300; i++) {
                    client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
                            .endMetadata().addToData("payload", "x".repeat(512)).build()).create();
                }
            }
            Load load = new Load(server, 6);
            Thread watch = new Thread(load::watch, "watch");
            watch.start();
            load.start();
            Thread.sleep(1_000);
            long before = load.served.get();

            long sigterm = System.nanoTime();
            server.terminate();
            HttpResponse<String> notReady;
            while ((notReady = get(http, server, "/readyz?verbose")).statusCode() == 200) {
                Thread.sleep(20);
            }
            long flipped = System.nanoTime();
            long servedAtFlip = load.served.get();
            assertThat(notReady.statusCode()).isEqualTo(500);
            assertThat(notReady.body()).isEqualTo(SHUTTING_DOWN);
            Integer exit = server.awaitExit(Duration.ofSeconds(60));
            long exited = System.nanoTime();
            load.join();
            watch.join(10_000);

            assertThat(exit).as(server.log()).isEqualTo(143);
            assertThat(load.failures).as("requests that reached the server and failed").isEmpty();
            assertThat(load.served.get() - servedAtFlip).as("requests answered while not ready").isPositive();
            assertThat(load.refused.get()).as("every client stopped at a connection the server no longer took").isEqualTo(6);
            assertThat(load.watchEnd).as("the watch ended cleanly").containsExactly("ended");
            assertThat(server.log()).contains("shutting down: readyz fails from now on").contains("drained: 1 watches ended");
            System.out.printf("verified: readyz turned 500 ([-]shutdown) %d ms after SIGTERM; %,d lists answered before it, "
                            + "%,d after it; the watch ended cleanly; exit 143 %d ms after SIGTERM; no request failed%n",
                    (flipped - sigterm) / 1_000_000, servedAtFlip - before, load.served.get() - servedAtFlip, (exited - sigterm) / 1_000_000);
        }
    }

    private static HttpResponse<String> get(HttpClient http, ApiServerProcess server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Clients that list configmaps in a loop until the server refuses their connection, and one watch. */
    private static final class Load {
        final ApiServerProcess server;
        final List<Thread> threads = new ArrayList<>();
        final AtomicLong served = new AtomicLong();
        final AtomicInteger refused = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> watchEnd = new ConcurrentLinkedQueue<>();
        final int clients;

        Load(ApiServerProcess server, int clients) {
            this.server = server;
            this.clients = clients;
        }

        void start() {
            for (int i = 0; i < clients; i++) {
                Thread t = new Thread(this::listUntilRefused, "lister-" + i);
                t.start();
                threads.add(t);
            }
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        private void listUntilRefused() {
            HttpClient http = server.http().http();
            while (true) {
                try {
                    HttpResponse<String> list = get(http, server, "/api/v1/namespaces/default/configmaps");
                    if (list.statusCode() != 200 || !list.body().contains("\"cm-299\"")) {
                        failures.add(list.statusCode() + " " + list.body().substring(0, Math.min(200, list.body().length())));
                    }
                    served.incrementAndGet();
                } catch (IOException e) {
                    // refused, or a new connection closed in its TLS handshake: the server no longer takes connections,
                    // and no byte of this request was sent (HTTP starts after the handshake)
                    if (causes(e).anyMatch(c -> c instanceof ConnectException || c instanceof javax.net.ssl.SSLHandshakeException)) {
                        refused.incrementAndGet();
                    } else {
                        failures.add(e.toString());
                    }
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void watch() {
            try {
                HttpResponse<Stream<String>> watch = server.http().http().send(HttpRequest.newBuilder(URI.create(server.url()
                        + "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0")).build(), HttpResponse.BodyHandlers.ofLines());
                long events = watch.body().count(); // to the end of the chunked body
                watchEnd.add(events >= 300 ? "ended" : "ended after only " + events + " events");
            } catch (IOException | RuntimeException e) {
                watchEnd.add("failed: " + e);
            } catch (InterruptedException e) {
                watchEnd.add("interrupted");
            }
        }

        private static Stream<Throwable> causes(Throwable e) {
            return Stream.iterate(e, t -> t != null, Throwable::getCause);
        }
    }
}
