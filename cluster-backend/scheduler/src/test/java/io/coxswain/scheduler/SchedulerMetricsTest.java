package io.coxswain.scheduler;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerMetricsTest {

    @Test
    void attemptsByResultAndProfileAndAPodsWholeWaitByAttempts() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SchedulerMetrics metrics = new SchedulerMetrics(registry);
        long first = metrics.attemptStarted("default/web");
        metrics.attemptEnded("default/web", "default-scheduler", SchedulerMetrics.UNSCHEDULABLE, first);
        long second = metrics.attemptStarted("default/web");
        metrics.attemptEnded("default/web", "default-scheduler", SchedulerMetrics.SCHEDULED, second);
        String text = registry.scrape();
        assertThat(text).contains(
                "scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"unschedulable\"} 1.0",
                "scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 1.0",
                "scheduler_scheduling_attempt_duration_seconds_count{profile=\"default-scheduler\",result=\"scheduled\"} 1",
                "scheduler_pod_scheduling_duration_seconds_count{attempts=\"2\"} 1",
                "scheduler_pod_scheduling_duration_seconds_bucket{attempts=\"2\",le=\"0.01\"}");
    }
}
