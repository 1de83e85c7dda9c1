package io.coxswain.kubelet.server;

import io.coxswain.api.health.HealthCheck;
import io.coxswain.api.health.HealthEndpoints;

import io.coxswain.api.ApiException;
import io.coxswain.api.QueryValues;
import io.coxswain.kubelet.runtime.ContainerRecord;
import io.coxswain.kubelet.runtime.ContainerRuntime;
import io.coxswain.kubelet.runtime.LogRequest;
import io.coxswain.kubelet.runtime.RuntimeLabels;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.List;

/**
 * The kubelet's own HTTP endpoint: {@code /healthz} and {@code /containerLogs/{ns}/{pod}/{container}} with
 * follow, previous, tailLines, timestamps, sinceSeconds and limitBytes, which the apiserver's pods/log proxies to.
 * Reading a log blocks on the engine, so it runs on a worker thread and streams into the response.
 *
 * <p>Given {@link Secure} settings (team mode) it serves HTTPS only and every path but {@code /healthz} goes through
 * {@link KubeletAuth}: 401 without credentials, 403 when the apiserver's SubjectAccessReview says no. Without them it
 * is plain HTTP and answers anyone, as before.
 */
public final class KubeletServer extends AbstractVerticle {

    /**
     * Team mode's settings of the kubelet's server.
     *
     * @param serving  its serving certificate and key (kube-apiserver does not verify it unless told to)
     * @param clientCa the CA (PEM) that signs client certificates it takes, the cluster's; null to take tokens only
     * @param auth     who may call it
     */
    public record Secure(KeyCertOptions serving, String clientCa, KubeletAuth auth) {
    }

    private final ContainerRuntime runtime;
    private final String nodeName;
    private final String host;
    private final int requestedPort;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KubeletServer.class);

    private final Secure secure;
    private final HealthEndpoints health;
    private HttpServer server;

    public KubeletServer(ContainerRuntime runtime, String nodeName, String host, int port) {
        this(runtime, nodeName, host, port, null, new HealthEndpoints().endpoint("healthz", HealthCheck.ping()));
    }

    /** @param health what {@code /healthz} checks (with {@code ?verbose}, {@code ?exclude=} and {@code /healthz/<check>}, as kube's) */
    public KubeletServer(ContainerRuntime runtime, String nodeName, String host, int port, Secure secure, HealthEndpoints health) {
        this.health = health;
        this.runtime = runtime;
        this.nodeName = nodeName;
        this.host = host;
        this.requestedPort = port;
        this.secure = secure;
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void start(Promise<Void> started) {
        HttpServerOptions options = new HttpServerOptions();
        if (secure != null) {
            // Client auth REQUEST: a certificate is checked against the CA when sent; token callers send none.
            options.setSsl(true).setKeyCertOptions(secure.serving());
            if (secure.clientCa() != null) {
                options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(secure.clientCa())))
                        .setClientAuth(ClientAuth.REQUEST);
            }
        }
        server = vertx.createHttpServer(options).requestHandler(this::handle);
        server.listen(requestedPort, host).<Void>mapEmpty().onComplete(started);
    }

    private void handle(HttpServerRequest request) {
        if (request.path().equals("/healthz") || request.path().startsWith("/healthz/")) {
            healthz(request);
            return;
        }
        if (secure == null) {
            serve(request);
            return;
        }
        request.pause(); // until the reviews answer
        secure.auth().check(request).onSuccess(outcome -> {
            request.resume();
            if (outcome.allowed()) {
                serve(request);
            } else {
                request.response().setStatusCode(outcome.status()).putHeader("Content-Type", "text/plain").end(outcome.message());
            }
        }).onFailure(e -> request.response().setStatusCode(500).end("Authorization error: " + e.getMessage()));
    }

    /** Open to anyone, as kube's kubelet serves /healthz on its healthz port; the checks' reasons go to the log only. */
    private void healthz(HttpServerRequest request) {
        var answer = health.answer(request.path(), request.params().contains("verbose"), request.params().getAll("exclude"));
        if (answer == null) {
            request.response().setStatusCode(404).end("not found: " + request.path());
            return;
        }
        io.vertx.core.Context context = vertx.getOrCreateContext();
        answer.whenComplete((a, error) -> context.runOnContext(v -> {
            if (error != null) {
                request.response().setStatusCode(500).end("internal server error: " + error.getMessage());
                return;
            }
            if (!a.failures().isEmpty()) {
                LOG.warn("{} failed: {}", request.path(), a.failures());
            }
            request.response().setStatusCode(a.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("X-Content-Type-Options", "nosniff").end(a.body());
        }));
    }

    private void serve(HttpServerRequest request) {
        String[] parts = request.path().split("/");
        if (parts.length != 5 || !parts[1].equals("containerLogs")) {
            request.response().setStatusCode(404).end("not found: " + request.path());
            return;
        }
        String ns = parts[2];
        String pod = parts[3];
        String container = parts[4];
        // decoded as the kubelet's own server decodes them: apimachinery's query conversion
        boolean previous = QueryValues.bool(request.getParam("previous"));
        LogRequest logRequest;
        try {
            logRequest = new LogRequest(QueryValues.bool(request.getParam("follow")) && !previous, integer(request, "tailLines"),
                    QueryValues.bool(request.getParam("timestamps")), sinceSeconds(request),
                    QueryValues.int64("limitBytes", request.getParam("limitBytes")));
        } catch (ApiException | ArithmeticException | java.time.format.DateTimeParseException e) {
            request.response().setStatusCode(400).end(e.getMessage());
            return;
        }
        HttpServerResponse response = request.response();
        vertx.<ContainerRecord>executeBlocking(() -> find(ns, pod, container, previous)).onComplete(found -> {
            if (found.failed()) {
                response.setStatusCode(400).end(found.cause().getMessage());
                return;
            }
            response.setChunked(true).putHeader("Content-Type", "text/plain");
            ResponseStream out = new ResponseStream(response);
            response.closeHandler(v -> out.closed = true);
            vertx.executeBlocking(() -> {
                runtime.logs(found.result().id(), logRequest, out);
                return null;
            }, false).onComplete(done -> {
                if (!out.closed) {
                    response.end();
                }
            });
        });
    }

    private ContainerRecord find(String ns, String pod, String container, boolean previous) {
        List<ContainerRecord> instances = runtime.list(nodeName, null).stream()
                .filter(r -> !r.isSandbox() && ns.equals(r.label(RuntimeLabels.POD_NAMESPACE))
                        && pod.equals(r.label(RuntimeLabels.POD_NAME)) && container.equals(r.containerName()))
                .sorted(Comparator.comparingInt(ContainerRecord::attempt).reversed()).toList();
        if (previous) {
            if (instances.size() < 2) {
                throw new IllegalStateException("previous terminated container \"" + container + "\" in pod \"" + pod + "\" not found");
            }
            return instances.get(1);
        }
        if (instances.isEmpty()) {
            throw new IllegalStateException("container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: ContainerCreating");
        }
        return instances.get(0);
    }

    /** sinceSeconds, or sinceTime (RFC 3339) as the seconds since then, as the kubelet turns either into a start time. */
    private static Integer sinceSeconds(HttpServerRequest request) {
        String since = request.getParam("sinceTime");
        if (since != null) {
            long ago = java.time.Instant.now().getEpochSecond() - java.time.OffsetDateTime.parse(since).toEpochSecond();
            return (int) Math.max(0, ago);
        }
        return integer(request, "sinceSeconds");
    }

    private static Integer integer(HttpServerRequest request, String name) {
        Long value = QueryValues.int64(name, request.getParam(name));
        return value == null ? null : Math.toIntExact(value);
    }

    @Override
    public void stop(Promise<Void> stopped) {
        server.close().onComplete(stopped);
    }

    /** Log bytes into the response; fails once the reader has gone, which ends a followed stream. */
    private static final class ResponseStream extends OutputStream {
        private final HttpServerResponse response;
        volatile boolean closed;

        ResponseStream(HttpServerResponse response) {
            this.response = response;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("the reader has gone");
            }
            response.write(Buffer.buffer().appendBytes(b, off, len));
        }
    }
}
