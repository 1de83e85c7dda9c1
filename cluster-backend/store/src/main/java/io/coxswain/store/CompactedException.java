package io.coxswain.store;

/** The revision asked for is older than the history the store keeps. The apiserver answers 410 Expired. */
public final class CompactedException extends StoreException {
    private final long requested;
    private final long oldestAvailable;

    public CompactedException(long requested, long oldestAvailable) {
        super("revision " + requested + " has been compacted; the oldest available is " + oldestAvailable);
        this.requested = requested;
        this.oldestAvailable = oldestAvailable;
    }

    public long requested() {
        return requested;
    }

    public long oldestAvailable() {
        return oldestAvailable;
    }
}
