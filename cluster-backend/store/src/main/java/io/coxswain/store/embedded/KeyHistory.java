package io.coxswain.store.embedded;

import io.coxswain.store.KeyValue;

import java.util.Arrays;

/**
 * The versions of one key that history still holds, oldest first. Immutable: a write replaces the whole
 * object, so readers never lock. A null value in a version marks a deletion.
 */
final class KeyHistory {

    private final long[] revisions;
    private final KeyValue[] values;

    private KeyHistory(long[] revisions, KeyValue[] values) {
        this.revisions = revisions;
        this.values = values;
    }

    static final KeyHistory EMPTY = new KeyHistory(new long[0], new KeyValue[0]);

    /** This history plus one version; a null {@code kv} records a deletion at {@code revision}. */
    KeyHistory with(long revision, KeyValue kv) {
        long[] r = Arrays.copyOf(revisions, revisions.length + 1);
        KeyValue[] v = Arrays.copyOf(values, values.length + 1);
        r[r.length - 1] = revision;
        v[v.length - 1] = kv;
        return new KeyHistory(r, v);
    }

    /** The live value at a revision, or null when the key did not exist then. */
    KeyValue at(long revision) {
        int i = Arrays.binarySearch(revisions, revision);
        int index = i >= 0 ? i : -i - 2;
        return index < 0 ? null : values[index];
    }

    KeyValue latest() {
        return values.length == 0 ? null : values[values.length - 1];
    }

    /**
     * Drops what no read at or after {@code revision} can see: versions older than the one live at that
     * revision, and that one too when it is a deletion. Returns null when nothing is left.
     */
    KeyHistory compactedTo(long revision) {
        int i = Arrays.binarySearch(revisions, revision);
        int keepFrom = i >= 0 ? i : -i - 2;
        if (keepFrom <= 0) {
            return this;
        }
        if (values[keepFrom] == null) {
            keepFrom++;
        }
        if (keepFrom >= revisions.length) {
            return null;
        }
        return new KeyHistory(Arrays.copyOfRange(revisions, keepFrom, revisions.length),
                Arrays.copyOfRange(values, keepFrom, values.length));
    }
}
