package io.coxswain.store;

/** A compare-and-swap found another revision than the one expected: someone else wrote first. */
public final class ConflictException extends StoreException {
    private final long actualModRevision;

    public ConflictException(String key, long expected, long actual) {
        super("key " + key + " is at revision " + actual + ", not " + expected);
        this.actualModRevision = actual;
    }

    public long actualModRevision() {
        return actualModRevision;
    }
}
