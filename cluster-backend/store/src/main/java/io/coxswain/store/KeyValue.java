package io.coxswain.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One version of a key.
 *
 * @param createRevision the revision that created the key (of this incarnation)
 * @param modRevision    the revision of this version's write
 * @param version        how many times the key was written since it was created, starting at 1
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {

    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other && key.equals(other.key) && Arrays.equals(value, other.value)
                && createRevision == other.createRevision && modRevision == other.modRevision && version == other.version;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Long.hashCode(modRevision);
    }

    @Override
    public String toString() {
        return key + "@" + modRevision + " (created " + createRevision + ", version " + version + ", " + value.length + " bytes)";
    }
}
