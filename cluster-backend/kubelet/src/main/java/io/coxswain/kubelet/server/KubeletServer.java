package io.coxswain.kubelet.server;

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

import java.io.IOException;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.List;

/**
 * The kubelet's own HTTP endpoint: {@code /healthz} and {@code /containerLogs/{ns}/{pod}/{container}} with
 * follow, previous, tailLines, timestamps, sinceSeconds and limitBytes, which the apiserver's pods/log proxies to.
 * Reading a log blocks on the engine, so it runs on a worker thread and streams into the response.
 */
public final class KubeletServer extends AbstractVerticle {

    private final ContainerRuntime runtime;
    private final String nodeName;
    private final String host;
    private final int requestedPort;
    private HttpServer server;

    public KubeletServer(ContainerRuntime runtime, String nodeName, String host, int port) {
        this.runtime = runtime;
        this.nodeName = nodeName;
        this.host = host;
        this.requestedPort = port;
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void start(Promise<Void> started) {
        server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(requestedPort, host).<Void>mapEmpty().onComplete(started);
    }

    private void handle(HttpServerRequest request) {
        String[] parts = request.path().split("/");
        if (request.path().equals("/healthz")) {
            request.response().end("ok");
            return;
        }
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
