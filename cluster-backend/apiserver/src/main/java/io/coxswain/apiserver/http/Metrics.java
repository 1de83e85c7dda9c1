package io.coxswain.apiserver.http;

import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.metrics.Buckets;
import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.metrics.MetricsEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kube-apiserver's request metrics (k8s.io/apiserver/pkg/endpoints/metrics), on Micrometer:
 * {@code apiserver_request_total} by verb, dry_run, group, version, resource, subresource, scope, component and code,
 * {@code apiserver_request_duration_seconds} by the same but code, with kube's buckets, the in-flight requests by kind,
 * and the open watches.
 */
public final class Metrics {

    static final String COMPONENT = "apiserver";
    /** kube's buckets of apiserver_request_duration_seconds. */
    static final Duration[] DURATION_BUCKETS = Buckets.seconds(0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3,
            4, 5, 6, 8, 10, 15, 20, 30, 45, 60);

    /** The labels of one request, as kube-apiserver reports them. */
    record Labels(String verb, String dryRun, String group, String version, String resource, String subresource, String scope) {
        Tags tags() {
            return Tags.of("verb", verb, "dry_run", dryRun, "group", group, "version", version, "resource", resource,
                    "subresource", subresource, "scope", scope, "component", COMPONENT);
        }
    }

    private record Counted(Labels labels, int code) {
    }

    private final MeterRegistry registry;
    private final MetricsEndpoint endpoint;
    private final Map<Counted, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Labels, Timer> timers = new ConcurrentHashMap<>();
    final AtomicInteger readInflight = new AtomicInteger();
    final AtomicInteger mutatingInflight = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
    /** Watches turned down because their client already held as many as one may. */
    final Counter watchesRefused;

    public Metrics(ComponentMetrics component) {
        this.registry = component.registry();
        this.endpoint = new MetricsEndpoint(component);
        Gauge.builder("apiserver.current.inflight.requests", readInflight, AtomicInteger::get)
                .description("Requests being served, by kind").tag("request_kind", "readOnly").register(registry);
        Gauge.builder("apiserver.current.inflight.requests", mutatingInflight, AtomicInteger::get)
                .description("Requests being served, by kind").tag("request_kind", "mutating").register(registry);
        Gauge.builder("apiserver.longrunning.requests", watches, AtomicInteger::get)
                .description("Open long-running requests (watches)").tag("verb", "WATCH").register(registry);
        watchesRefused = Counter.builder("coxswain.watches.refused")
                .description("Watches refused with 429 because their client held the most it may").register(registry);
    }

    /** What serves {@code GET /metrics}. */
    MetricsEndpoint endpoint() {
        return endpoint;
    }

    /** Counts one request and its latency; {@code verb} is the authorization verb (get, list, watch, create, ...). */
    void record(HttpServerRequest request, String verb, ResourceInfo resource, int code, long nanos) {
        record(labels(request, verb, resource), code, nanos);
    }

    void record(Labels labels, int code, long nanos) {
        counters.computeIfAbsent(new Counted(labels, code), c -> Counter.builder("apiserver.request")
                .description("Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.")
                .tags(labels.tags()).tag("code", Integer.toString(code)).register(registry)).increment();
        timers.computeIfAbsent(labels, l -> Timer.builder("apiserver.request.duration")
                .description("Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.")
                .tags(l.tags()).serviceLevelObjectives(DURATION_BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    static Labels labels(HttpServerRequest request, String verb, ResourceInfo resource) {
        RequestPath path = RequestPath.parse(request.path());
        String subresource = path == null || path.subresource() == null ? "" : path.subresource();
        boolean named = path != null && path.name() != null;
        boolean namespaced = path != null && path.namespace() != null;
        String reported = reportedVerb(verb, request.getHeader("Content-Type"));
        return new Labels(reported, dryRun(request.params().getAll("dryRun")), resource.gvk().group(), resource.gvk().version(),
                resource.plural(), subresource, scope(resource.namespaced(), namespaced, named, reported));
    }

    /**
     * The verb kube-apiserver reports: its route's (POST for a create, PUT for an update, LIST, WATCH, ...), and APPLY
     * for a server-side apply patch.
     */
    static String reportedVerb(String verb, String contentType) {
        return switch (verb) {
            case "create" -> "POST";
            case "update" -> "PUT";
            case "patch" -> contentType != null && contentType.startsWith("application/apply-patch") ? "APPLY" : "PATCH";
            default -> verb.toUpperCase(java.util.Locale.ROOT);
        };
    }

    /**
     * The scope as kube's installer labels a route: a named object or a create is "resource", a collection in a namespace
     * "namespace", one across namespaces or of a cluster-scoped kind "cluster".
     */
    static String scope(boolean namespacedKind, boolean inNamespace, boolean named, String reportedVerb) {
        if (named || reportedVerb.equals("POST")) {
            return "resource";
        }
        return namespacedKind && inNamespace ? "namespace" : "cluster";
    }

    /** kube's cleanDryRun: empty without dryRun, else its values sorted and joined. */
    static String dryRun(java.util.List<String> values) {
        if (values == null || values.isEmpty()) {
            return "";
        }
        return String.join(",", new java.util.TreeSet<>(values));
    }
}
