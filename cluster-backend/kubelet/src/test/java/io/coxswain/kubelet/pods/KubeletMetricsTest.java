package io.coxswain.kubelet.pods;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KubeletMetricsTest {

    @Test
    void podStartAndSyncsUnderTheKubeletsNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KubeletMetrics metrics = new KubeletMetrics(registry);
        metrics.podStarted(1_500_000_000L);
        metrics.synced("create", 20_000_000L);
        metrics.runningPods(() -> 3);
        String text = registry.scrape();
        assertThat(text).contains("kubelet_pod_start_duration_seconds_bucket{le=\"1.0\"} 0",
                "kubelet_pod_start_duration_seconds_bucket{le=\"2.0\"} 1",
                "kubelet_pod_start_duration_seconds_count 1",
                "kubelet_pod_worker_duration_seconds_count{operation_type=\"create\"} 1",
                "kubelet_running_pods 3.0");
    }
}
