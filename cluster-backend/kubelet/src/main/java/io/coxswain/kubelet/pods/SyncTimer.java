package io.coxswain.kubelet.pods;

/** The milliseconds of each step of one sync, for a debug line that shows where a pod's start spends its time. */
final class SyncTimer {

    private final boolean on;
    private final long start = System.nanoTime();
    private final StringBuilder steps = new StringBuilder();
    private long last = start;

    SyncTimer(boolean on) {
        this.on = on;
    }

    /** Ends a step that began at the previous mark (or the sync's start). */
    void mark(String step) {
        if (on) {
            long now = System.nanoTime();
            steps.append(step).append(' ').append((now - last) / 1_000_000).append(" ms, ");
            last = now;
        }
    }

    /** Notes a step that overlapped others, with its own duration. */
    void note(String step, long nanos) {
        if (on) {
            steps.append('(').append(step).append(' ').append(nanos / 1_000_000).append(" ms), ");
        }
    }

    @Override
    public String toString() {
        return steps + "total " + (System.nanoTime() - start) / 1_000_000 + " ms";
    }
}
