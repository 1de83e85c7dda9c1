package io.coxswain.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * One component's metrics: a Prometheus registry of its own with the JVM's figures bound in. Inside all-in-one every
 * component still has its own, served on its own port, as separate processes would; each then also reports the JVM
 * they share.
 */
public final class ComponentMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ComponentMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. It reads gauges, some of which take locks: not on an event loop. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * A Vert.x whose connections, HTTP clients, pools and event bus report into {@code registry}
     * (vertx-micrometer-metrics). Not its HTTP servers' per-request figures: the apiserver counts and times every request
     * itself under kube's names ({@code apiserver_request_total}, {@code apiserver_request_duration_seconds}), and
     * Vert.x's timers doubled that work on every request (a tenth of the server's CPU on a plain GET, profiled).
     */
    public static Vertx instrumentedVertx(MeterRegistry registry) {
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
