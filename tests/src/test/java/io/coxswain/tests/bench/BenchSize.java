package io.coxswain.tests.bench;

/**
 * How big a benchmark runs: its CI size by default, so that {@code ./coxswain test} stays within CI's time, or the
 * full size (the sizes DESIGN.md's budgets name) with {@code -Dcoxswain.bench.full=true}. Each benchmark's title
 * says which it ran.
 */
public final class BenchSize {

    public static final boolean FULL = Boolean.getBoolean("coxswain.bench.full");

    private BenchSize() {
    }

    public static int of(int ci, int full) {
        return FULL ? full : ci;
    }

    public static long of(long ci, long full) {
        return FULL ? full : ci;
    }

    /** For a benchmark's title. */
    public static String label() {
        return FULL ? "full size" : "CI size; -Dcoxswain.bench.full=true runs the full size";
    }
}
