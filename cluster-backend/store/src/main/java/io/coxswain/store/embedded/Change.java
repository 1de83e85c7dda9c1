package io.coxswain.store.embedded;

import io.coxswain.store.KeyValue;
import io.coxswain.store.WatchEvent;

/** One committed write: the event it makes, in the form the durable log stores. */
record Change(WatchEvent event) {

    boolean deleted() {
        return event.type() == WatchEvent.Type.DELETE;
    }

    KeyValue kv() {
        return event.kv();
    }

    long revision() {
        return event.kv().modRevision();
    }
}
