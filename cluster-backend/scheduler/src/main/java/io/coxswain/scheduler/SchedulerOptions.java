package io.coxswain.scheduler;

import java.time.Duration;

/**
 * @param percentageOfNodesToScore 0 for kube-scheduler's adaptive share (50% less 1% per 125 nodes, at least 5%)
 * @param bindParallelism          bindings in flight at once
 */
public record SchedulerOptions(SchedulerConfiguration configuration, Duration initialBackoff, Duration maxBackoff,
                               int bindParallelism) {

    public static SchedulerOptions defaults() {
        return new SchedulerOptions(SchedulerConfiguration.defaults(), Duration.ofSeconds(1), Duration.ofSeconds(10), 64);
    }

    public SchedulerOptions withConfiguration(SchedulerConfiguration configuration) {
        return new SchedulerOptions(configuration, initialBackoff, maxBackoff, bindParallelism);
    }
}
