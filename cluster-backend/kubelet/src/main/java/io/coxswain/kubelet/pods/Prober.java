package io.coxswain.kubelet.pods;

import io.coxswain.kubelet.runtime.ContainerRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Liveness, readiness and startup probes (exec, httpGet, tcpSocket) with Kubernetes's defaults: period 10 s,
 * timeout 1 s, success threshold 1, failure threshold 3. A startup probe holds the other two back until it passes.
 * A result that flips asks for a pod sync; each failure is reported as an Unhealthy event.
 */
final class Prober implements AutoCloseable {

    enum Kind {
        LIVENESS("Liveness"), READINESS("Readiness"), STARTUP("Startup");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    enum Result { UNKNOWN, SUCCESS, FAILURE }

    private final ContainerRuntime runtime;
    private final ScheduledExecutorService timer;
    private final Consumer<String> resync;
    private final BiConsumer<String, String> unhealthy;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    /** podKey → containerId/kind → worker. */
    private final Map<String, Map<String, Worker>> workers = new ConcurrentHashMap<>();

    /**
     * @param resync    called with a pod key when a result changes
     * @param unhealthy called with (podKey/containerName, message) on each failed probe
     */
    Prober(ContainerRuntime runtime, ScheduledExecutorService timer, Consumer<String> resync, BiConsumer<String, String> unhealthy) {
        this.runtime = runtime;
        this.timer = timer;
        this.resync = resync;
        this.unhealthy = unhealthy;
    }

    /** Starts the probes of a container that runs now, once per container id. */
    void ensure(String podKey, Container container, String containerId, String podIp) {
        Map<String, Worker> pod = workers.computeIfAbsent(podKey, k -> new ConcurrentHashMap<>());
        start(pod, podKey, container, containerId, podIp, Kind.STARTUP, container.getStartupProbe());
        start(pod, podKey, container, containerId, podIp, Kind.LIVENESS, container.getLivenessProbe());
        start(pod, podKey, container, containerId, podIp, Kind.READINESS, container.getReadinessProbe());
    }

    /** The latest result for the container with this id; a container without such a probe passes it. */
    Result result(String podKey, String containerId, Kind kind) {
        Worker w = workers.getOrDefault(podKey, Map.of()).get(containerId + "/" + kind);
        return w == null ? Result.SUCCESS : w.result;
    }

    boolean has(String podKey, String containerId, Kind kind) {
        return workers.getOrDefault(podKey, Map.of()).containsKey(containerId + "/" + kind);
    }

    /** Stops the probes of containers that are no longer current. */
    void retain(String podKey, java.util.Set<String> liveContainerIds) {
        Map<String, Worker> pod = workers.get(podKey);
        if (pod == null) {
            return;
        }
        pod.entrySet().removeIf(e -> {
            boolean stale = !liveContainerIds.contains(e.getValue().containerId);
            if (stale) {
                e.getValue().cancel();
            }
            return stale;
        });
    }

    void forget(String podKey) {
        Map<String, Worker> pod = workers.remove(podKey);
        if (pod != null) {
            pod.values().forEach(Worker::cancel);
        }
    }

    @Override
    public void close() {
        workers.keySet().forEach(this::forget);
    }

    private void start(Map<String, Worker> pod, String podKey, Container container, String containerId, String podIp,
                       Kind kind, Probe probe) {
        if (probe == null) {
            return;
        }
        pod.computeIfAbsent(containerId + "/" + kind, k -> {
            Worker w = new Worker(podKey, container, containerId, podIp, kind, probe);
            w.schedule();
            return w;
        });
    }

    private final class Worker {
        final String podKey;
        final Container container;
        final String containerId;
        final String podIp;
        final Kind kind;
        final Probe probe;
        volatile Result result;
        int successes;
        int failures;
        ScheduledFuture<?> future;

        Worker(String podKey, Container container, String containerId, String podIp, Kind kind, Probe probe) {
            this.podKey = podKey;
            this.container = container;
            this.containerId = containerId;
            this.podIp = podIp;
            this.kind = kind;
            this.probe = probe;
            // a container is not ready until its readiness probe passes; liveness assumes alive until proved not
            this.result = kind == Kind.LIVENESS ? Result.SUCCESS : kind == Kind.READINESS ? Result.FAILURE : Result.UNKNOWN;
        }

        void schedule() {
            long delay = seconds(probe.getInitialDelaySeconds(), 0) * 1000L;
            long period = Math.max(1, seconds(probe.getPeriodSeconds(), 10)) * 1000L;
            future = timer.scheduleWithFixedDelay(this::tick, delay, period, TimeUnit.MILLISECONDS);
        }

        void cancel() {
            if (future != null) {
                future.cancel(false);
            }
        }

        private void tick() {
            if (kind != Kind.STARTUP && has(podKey, containerId, Kind.STARTUP)
                    && result(podKey, containerId, Kind.STARTUP) != Result.SUCCESS) {
                return;
            }
            if (kind == Kind.STARTUP && result == Result.SUCCESS) {
                return;
            }
            String failure;
            try {
                failure = run();
            } catch (RuntimeException e) {
                failure = e.getMessage();
            }
            Result before = result;
            if (failure == null) {
                failures = 0;
                successes++;
                if (successes >= seconds(probe.getSuccessThreshold(), 1)) {
                    result = Result.SUCCESS;
                }
            } else {
                successes = 0;
                failures++;
                unhealthy.accept(podKey + "/" + container.getName(), kind.title + " probe failed: " + failure);
                if (failures >= seconds(probe.getFailureThreshold(), 3)) {
                    result = Result.FAILURE;
                }
            }
            if (result != before) {
                resync.accept(podKey);
            }
        }

        /** Null when the probe passed, else why it failed. */
        private String run() {
            Duration timeout = Duration.ofSeconds(Math.max(1, seconds(probe.getTimeoutSeconds(), 1)));
            if (probe.getExec() != null) {
                var r = runtime.exec(containerId, probe.getExec().getCommand(), timeout);
                if (r.exitCode().isEmpty()) {
                    return "command timed out after " + timeout.toSeconds() + "s";
                }
                return r.exitCode().get() == 0 ? null : "command exited with " + r.exitCode().get() + ": " + r.output().strip();
            }
            if (probe.getHttpGet() != null) {
                return httpGet(probe.getHttpGet(), timeout);
            }
            if (probe.getTcpSocket() != null) {
                int port = port(probe.getTcpSocket().getPort());
                String host = probe.getTcpSocket().getHost() == null ? podIp : probe.getTcpSocket().getHost();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                    return null;
                } catch (IOException e) {
                    return "dial tcp " + host + ":" + port + ": " + e.getMessage();
                }
            }
            return null;
        }

        private String httpGet(HTTPGetAction get, Duration timeout) {
            int port = port(get.getPort());
            String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
            String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
            String path = get.getPath() == null ? "/" : get.getPath().startsWith("/") ? get.getPath() : "/" + get.getPath();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + path))
                    .timeout(timeout).header("User-Agent", "kube-probe/1.32");
            EnvResolver.list(get.getHttpHeaders()).forEach(h -> request.setHeader(h.getName(), h.getValue()));
            try {
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                int code = response.statusCode();
                return code >= 200 && code < 400 ? null : "HTTP probe failed with statuscode: " + code;
            } catch (IOException e) {
                return "Get \"" + scheme + "://" + host + ":" + port + path + "\": " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        private int port(IntOrString port) {
            if (port.getIntVal() != null) {
                return port.getIntVal();
            }
            for (ContainerPort p : EnvResolver.list(container.getPorts())) {
                if (port.getStrVal().equals(p.getName())) {
                    return p.getContainerPort();
                }
            }
            try {
                return Integer.parseInt(port.getStrVal());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port \"" + port.getStrVal() + "\" names no port of container " + container.getName());
            }
        }
    }

    private static int seconds(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
