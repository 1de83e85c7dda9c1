package io.coxswain.tests.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.tests.cluster.AdminHttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * HTTP against the apiserver, with no Kubernetes client in between, as the admin of its kubeconfig (TLS with the
 * admin's client certificate): JSON requests, and watches read line by line from the chunked body as it arrives.
 */
final class RawApi {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http;

    RawApi(AdminHttp admin) {
        this.base = admin.url();
        this.http = admin.http();
    }

    record Response(int code, JsonNode body) {
    }

    Response send(String method, String path, JsonNode body, String contentType) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, publisher).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode parsed = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Response(response.statusCode(), parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request that must succeed: its body. */
    JsonNode ok(String method, String path, JsonNode body, String contentType) {
        Response r = send(method, path, body, contentType);
        if (r.code() / 100 != 2) {
            throw new AssertionError(method + " " + path + " -> " + r.code() + " " + r.body());
        }
        return r.body();
    }

    /** A plain-text GET, such as /metrics. */
    String text(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The open watches the apiserver reports in /metrics. */
    int openWatches() {
        return text("/metrics").lines().filter(l -> l.startsWith("apiserver_longrunning_requests{verb=\"WATCH\"}"))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1).trim())).findFirst().orElse(-1);
    }

    JsonNode get(String path) {
        return ok("GET", path, null, null);
    }

    JsonNode post(String path, JsonNode body) {
        return ok("POST", path, body, "application/json");
    }

    JsonNode mergePatch(String path, String patch) {
        try {
            return ok("PATCH", path, JSON.readTree(patch), "application/merge-patch+json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode delete(String path) {
        return ok("DELETE", path, null, null);
    }

    void createNamespace(String name) {
        ObjectNode ns = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        post("/api/v1/namespaces", ns);
    }

    /** A ConfigMap in {@code namespace} with these labels (name=value pairs) and one data entry. */
    JsonNode createConfigMap(String namespace, String name, String... labels) {
        ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode meta = cm.putObject("metadata").put("name", name);
        ObjectNode labelNode = meta.putObject("labels");
        for (int i = 0; i + 1 < labels.length; i += 2) {
            labelNode.put(labels[i], labels[i + 1]);
        }
        cm.putObject("data").put("key", "value");
        return post("/api/v1/namespaces/" + namespace + "/configmaps", cm);
    }

    static long rv(JsonNode object) {
        return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
    }

    /** Opens a watch; events arrive on {@link Watch#events} as they come, each line parsed as JSON. */
    Watch watch(String pathAndQuery) {
        Watch watch = new Watch(null);
        open(pathAndQuery, watch);
        return watch;
    }

    /** Opens a watch whose events go to {@code onEvent} on the client's threads rather than to a queue. */
    Watch watch(String pathAndQuery, Consumer<JsonNode> onEvent) {
        Watch watch = new Watch(onEvent);
        open(pathAndQuery, watch);
        return watch;
    }

    private void open(String pathAndQuery, Watch watch) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().header("Accept", "application/json").build();
        // The response future of a line subscriber completes only with the body; the status is taken from the head.
        http.sendAsync(request, info -> {
            watch.status.complete(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(watch);
        }).whenComplete((r, error) -> {
            if (error != null) {
                watch.status.completeExceptionally(error);
                watch.ended.complete(null);
            }
        });
    }

    static final class Watch implements Flow.Subscriber<String>, AutoCloseable {

        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final Consumer<JsonNode> onEvent;
        private volatile Flow.Subscription subscription;
        private volatile boolean closed;
        final CompletableFuture<Integer> status = new CompletableFuture<>();

        Watch(Consumer<JsonNode> onEvent) {
            this.onEvent = onEvent;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (closed) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            if (line.isBlank()) {
                return;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                event = JSON.createObjectNode().put("type", "UNPARSEABLE").put("line", line);
            }
            if (onEvent != null) {
                onEvent.accept(event);
            } else {
                events.add(event);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(null);
        }

        @Override
        public void onComplete() {
            ended.complete(null);
        }

        /** The HTTP status of the watch response. */
        int status() throws Exception {
            return status(10);
        }

        /** The HTTP status, waited for up to {@code seconds}: behind a thousand TLS handshakes it can take longer than 10 s. */
        int status(int seconds) throws Exception {
            return status.get(seconds, TimeUnit.SECONDS);
        }

        /** The next event, or an assertion failure after {@code seconds}. */
        JsonNode next(double seconds) throws InterruptedException {
            JsonNode event = events.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no watch event within " + seconds + "s");
            }
            return event;
        }

        /** The next event that is not a BOOKMARK. */
        JsonNode nextChange(double seconds) throws InterruptedException {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode event = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (event == null) {
                    throw new AssertionError("no watch event within " + seconds + "s");
                }
                if (!event.path("type").asText().equals("BOOKMARK")) {
                    return event;
                }
            }
        }

        /** Whatever arrives within {@code millis}. */
        List<JsonNode> drain(long millis) throws InterruptedException {
            List<JsonNode> out = new ArrayList<>();
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return out;
                }
                JsonNode event = events.poll(left, TimeUnit.NANOSECONDS);
                if (event != null) {
                    out.add(event);
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    static String type(JsonNode event) {
        return event.path("type").asText();
    }

    static String name(JsonNode event) {
        return event.path("object").path("metadata").path("name").asText();
    }
}
