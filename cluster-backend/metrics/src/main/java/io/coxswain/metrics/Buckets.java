package io.coxswain.metrics;

import java.time.Duration;

/** Histogram buckets given as Kubernetes gives them, in seconds, turned into the service levels of a Micrometer Timer. */
public final class Buckets {

    private Buckets() {
    }

    public static Duration[] seconds(double... bounds) {
        Duration[] out = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            out[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
        }
        return out;
    }

    /** Prometheus's ExponentialBuckets(start, factor, count). */
    public static Duration[] exponential(double start, double factor, int count) {
        double[] bounds = new double[count];
        double b = start;
        for (int i = 0; i < count; i++) {
            bounds[i] = b;
            b *= factor;
        }
        return seconds(bounds);
    }
}
