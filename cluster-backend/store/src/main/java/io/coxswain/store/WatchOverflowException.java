package io.coxswain.store;

/** A watcher fell so far behind that its buffer filled. It can resume from {@link #resumeRevision()}. */
public final class WatchOverflowException extends StoreException {
    private final long resumeRevision;

    public WatchOverflowException(int buffered, long resumeRevision) {
        super("watcher fell " + buffered + " events behind; resume from revision " + resumeRevision);
        this.resumeRevision = resumeRevision;
    }

    public long resumeRevision() {
        return resumeRevision;
    }
}
