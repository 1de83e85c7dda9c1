package io.coxswain.client;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WorkQueueMetricsTest {

    @Test
    void reportsClientGosWorkqueueMetricsUnderTheQueuesName() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkQueueMetrics.setProvider(registry);
        try (WorkQueue<String> queue = new WorkQueue<>("metrics-test", RateLimiter.controllerDefault())) {
            queue.add("a");
            queue.add("b");
            queue.add("a"); // already queued: not another add
            assertThat(registry.scrape()).contains("workqueue_depth{name=\"metrics-test\"} 2.0",
                    "workqueue_adds_total{name=\"metrics-test\"} 2.0");
            String taken = queue.get();
            assertThat(registry.scrape()).contains("workqueue_depth{name=\"metrics-test\"} 1.0",
                    "workqueue_queue_duration_seconds_count{name=\"metrics-test\"} 1");
            queue.addRateLimited("c");
            queue.done(taken);
            String text = registry.scrape();
            assertThat(text).contains("workqueue_work_duration_seconds_count{name=\"metrics-test\"} 1",
                    "workqueue_retries_total{name=\"metrics-test\"} 1.0",
                    "workqueue_unfinished_work_seconds{name=\"metrics-test\"} 0.0",
                    "workqueue_longest_running_processor_seconds{name=\"metrics-test\"} 0.0",
                    "workqueue_queue_duration_seconds_bucket{name=\"metrics-test\",le=\"10.0\"} 1");
        } finally {
            WorkQueueMetrics.setProvider(new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
        }
    }
}
