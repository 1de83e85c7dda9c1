package io.coxswain.store;

/**
 * A change to one key.
 *
 * @param kv     for a PUT the new version; for a DELETE the key with its last value and the deletion's revision
 * @param prevKv the version before this change, when still known; for a DELETE the deleted version
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {

    public enum Type { PUT, DELETE }

    public long revision() {
        return kv.modRevision();
    }
}
