package io.coxswain.apiserver.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.registry.ListOptions;
import io.coxswain.apiserver.registry.ObjectStore;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.store.CompactedException;
import io.coxswain.store.KeyValue;
import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;

import java.util.function.UnaryOperator;

/**
 * Turns a store watch into Kubernetes watch events for one request: ADDED, MODIFIED and DELETED as the
 * selectors see them (an object that starts or stops matching is ADDED or DELETED), BOOKMARKs, and an
 * ERROR with 410 Expired when the start revision was compacted. Events go to a sink in order.
 */
public final class WatchStream implements WatchListener {

    private static final SharedDecoding<KeyValue, ObjectNode> DECODED = new SharedDecoding<>(1024);

    /** One event as the wire carries it: {@code {"type":…,"object":…}}. */
    public interface Sink {
        void event(String type, JsonNode object);

        /** The stream has ended (an error was sent, or the store watch failed). */
        void end();
    }

    private final ResourceInfo resource;
    private final ListOptions selection;
    private final Sink sink;
    private final UnaryOperator<JsonNode> render;
    private volatile long lastRevision;
    private volatile Watch watch;

    public WatchStream(ResourceInfo resource, ListOptions selection, Sink sink, UnaryOperator<JsonNode> render) {
        this.resource = resource;
        this.selection = selection;
        this.sink = sink;
        this.render = render;
    }

    public void start(ObjectStore store, String namespace, long fromRevision) {
        lastRevision = fromRevision - 1;
        watch = store.raw().watch(resource.listPrefix(namespace), fromRevision, this);
    }

    public boolean started() {
        return watch != null;
    }

    public long lastRevision() {
        return lastRevision;
    }

    @Override
    public void onEvent(WatchEvent event) {
        lastRevision = event.revision();
        ObjectNode now = decode(event.kv());
        boolean nowMatches = event.type() == WatchEvent.Type.PUT && selection.matches(now);
        boolean wasMatching = event.prevKv() != null && (!selection.selects() || selection.matches(decode(event.prevKv())));
        if (event.type() == WatchEvent.Type.DELETE) {
            if (wasMatching || event.prevKv() == null && selection.matches(now)) {
                sink.event("DELETED", render.apply(now));
            }
        } else if (nowMatches && wasMatching) {
            sink.event("MODIFIED", render.apply(now));
        } else if (nowMatches) {
            sink.event("ADDED", render.apply(now));
        } else if (wasMatching) {
            sink.event("DELETED", render.apply(now));
        }
    }

    /** Shared by every watcher that gets the same event; never changed. */
    private static ObjectNode decode(KeyValue kv) {
        return DECODED.get(kv, null, ObjectStore::decode);
    }

    @Override
    public void onError(StoreException error) {
        ApiException status = error instanceof CompactedException c
                ? ApiException.gone("too old resource version: " + c.requested() + " (" + c.oldestAvailable() + ")")
                : ApiException.internal(error.getMessage());
        sink.event("ERROR", status.toStatus());
        sink.end();
    }

    /** A bookmark at the last revision this stream has seen. */
    public ObjectNode bookmark(boolean initialEventsEnd) {
        ObjectNode object = io.coxswain.apiserver.http.Json.object();
        object.put("kind", resource.kind()).put("apiVersion", resource.gvk().apiVersion());
        ObjectNode meta = object.putObject("metadata");
        meta.put("resourceVersion", Long.toString(lastRevision));
        if (initialEventsEnd) {
            meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
        }
        return object;
    }

    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
