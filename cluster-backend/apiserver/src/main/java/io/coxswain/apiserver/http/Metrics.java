package io.coxswain.apiserver.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Request counts and latencies by verb and resource, in-flight requests and watches, in Prometheus's text format. */
public final class Metrics {

    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Series(String verb, String resource) {
    }

    private static final class Histogram {
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
        final AtomicLong count = new AtomicLong();
        final AtomicLong sumNanos = new AtomicLong();
    }

    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<Series, Histogram> durations = new ConcurrentHashMap<>();
    final AtomicInteger readInflight = new AtomicInteger();
    final AtomicInteger mutatingInflight = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
    /** Watches turned down because their client already held as many as one may. */
    final AtomicLong watchesRefused = new AtomicLong();

    void record(String verb, String resource, int code, long nanos) {
        requests.computeIfAbsent(verb + "\u0000" + resource + "\u0000" + code, k -> new AtomicLong()).incrementAndGet();
        Histogram h = durations.computeIfAbsent(new Series(verb, resource), s -> new Histogram());
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                h.buckets.incrementAndGet(i);
            }
        }
        h.count.incrementAndGet();
        h.sumNanos.addAndGet(nanos);
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP apiserver_request_total Requests by verb, resource and HTTP code.\n");
        out.append("# TYPE apiserver_request_total counter\n");
        requests.forEach((key, n) -> {
            String[] p = key.split("\u0000");
            out.append("apiserver_request_total{verb=\"").append(p[0]).append("\",resource=\"").append(p[1])
                    .append("\",code=\"").append(p[2]).append("\"} ").append(n.get()).append('\n');
        });
        out.append("# HELP apiserver_request_duration_seconds Response latency by verb and resource.\n");
        out.append("# TYPE apiserver_request_duration_seconds histogram\n");
        durations.forEach((s, h) -> {
            String labels = "verb=\"" + s.verb() + "\",resource=\"" + s.resource() + "\"";
            for (int i = 0; i < BUCKETS.length; i++) {
                out.append("apiserver_request_duration_seconds_bucket{").append(labels).append(",le=\"").append(BUCKETS[i])
                        .append("\"} ").append(h.buckets.get(i)).append('\n');
            }
            out.append("apiserver_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(h.count.get()).append('\n');
            out.append("apiserver_request_duration_seconds_sum{").append(labels).append("} ").append(h.sumNanos.get() / 1e9).append('\n');
            out.append("apiserver_request_duration_seconds_count{").append(labels).append("} ").append(h.count.get()).append('\n');
        });
        out.append("# HELP apiserver_current_inflight_requests Requests being served, by kind.\n");
        out.append("# TYPE apiserver_current_inflight_requests gauge\n");
        out.append("apiserver_current_inflight_requests{request_kind=\"readOnly\"} ").append(readInflight.get()).append('\n');
        out.append("apiserver_current_inflight_requests{request_kind=\"mutating\"} ").append(mutatingInflight.get()).append('\n');
        out.append("# HELP apiserver_longrunning_requests Open watches.\n");
        out.append("# TYPE apiserver_longrunning_requests gauge\n");
        out.append("apiserver_longrunning_requests{verb=\"WATCH\"} ").append(watches.get()).append('\n');
        out.append("# HELP coxswain_watches_refused_total Watches refused with 429 because their client held the most it may.\n");
        out.append("# TYPE coxswain_watches_refused_total counter\n");
        out.append("coxswain_watches_refused_total ").append(watchesRefused.get()).append('\n');
        return out.toString();
    }
}
