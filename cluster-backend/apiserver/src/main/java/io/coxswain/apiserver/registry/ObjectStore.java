package io.coxswain.apiserver.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.store.CompactedException;
import io.coxswain.store.ConflictException;
import io.coxswain.store.InvalidKeyException;
import io.coxswain.store.KeyExistsException;
import io.coxswain.store.KeyNotFoundException;
import io.coxswain.store.KeyValue;
import io.coxswain.store.ListResult;
import io.coxswain.store.Store;
import io.coxswain.store.ValueTooLargeException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Objects in the store: JSON values under {@code /registry/<plural>/[<namespace>/]<name>}, with
 * {@code metadata.resourceVersion} taken from the store's revision on the way out and left out on the way
 * in, as kube-apiserver does with etcd. Store errors become the API errors kubectl expects.
 */
public final class ObjectStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Store store;

    public ObjectStore(Store store) {
        this.store = store;
    }

    public Store raw() {
        return store;
    }

    public static ObjectNode decode(KeyValue kv) {
        try {
            ObjectNode object = (ObjectNode) JSON.readTree(kv.value());
            ((ObjectNode) object.path("metadata")).put("resourceVersion", Long.toString(kv.modRevision()));
            return object;
        } catch (IOException e) {
            throw ApiException.internal("stored object " + kv.key() + " is not JSON: " + e.getMessage());
        }
    }

    static byte[] encode(ObjectNode object) {
        ObjectNode copy = object;
        if (object.path("metadata").has("resourceVersion")) {
            copy = withMetadata(object);
            ((ObjectNode) copy.get("metadata")).remove("resourceVersion");
        }
        try {
            return JSON.writeValueAsBytes(copy);
        } catch (JsonProcessingException e) {
            throw ApiException.internal(e.getMessage());
        }
    }

    public CompletableFuture<Optional<StoredObject>> get(ResourceInfo resource, String namespace, String name) {
        return map(store.get(resource.key(namespace, name))
                .thenApply(kv -> kv.map(v -> new StoredObject(decode(v), v.modRevision()))), resource, name);
    }

    /** The stored value as it is, not decoded. */
    public CompletableFuture<Optional<KeyValue>> getRaw(ResourceInfo resource, String namespace, String name) {
        return map(store.get(resource.key(namespace, name)), resource, name);
    }

    /** Whether the stored JSON holds this ASCII text anywhere (as the encoder writes names, unescaped). */
    static boolean mentions(byte[] json, String ascii) {
        int n = ascii.length();
        outer:
        for (int i = 0; i + n <= json.length; i++) {
            for (int j = 0; j < n; j++) {
                if (json[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public CompletableFuture<StoredObject> require(ResourceInfo resource, String namespace, String name) {
        return get(resource, namespace, name).thenApply(o -> o.orElseThrow(() -> ApiException.notFound(resource.gvk().group(), resource.plural(), name)));
    }

    public record Page(List<ObjectNode> items, long revision, String continueToken, long remaining) {
    }

    public CompletableFuture<Page> list(ResourceInfo resource, String namespace, int limit, String continueToken) {
        return map(store.list(resource.listPrefix(namespace), limit, continueToken).thenApply(ObjectStore::page), resource, null);
    }

    private static Page page(ListResult result) {
        List<ObjectNode> items = new ArrayList<>(result.items().size());
        result.items().forEach(kv -> items.add(decode(kv)));
        return new Page(items, result.revision(), result.continueToken(), result.remaining());
    }

    public CompletableFuture<StoredObject> create(ResourceInfo resource, String namespace, String name, ObjectNode object) {
        return map(store.create(resource.key(namespace, name), encode(object)).thenApply(kv -> stored(object, kv)), resource, name);
    }

    public CompletableFuture<StoredObject> update(ResourceInfo resource, String namespace, String name, ObjectNode object,
                                                  long expectedRevision) {
        return map(store.update(resource.key(namespace, name), encode(object), expectedRevision)
                .thenApply(kv -> stored(object, kv)), resource, name);
    }

    public CompletableFuture<StoredObject> delete(ResourceInfo resource, String namespace, String name, long expectedRevision) {
        return map(store.delete(resource.key(namespace, name), expectedRevision)
                .thenApply(kv -> new StoredObject(decode(kv), kv.modRevision())), resource, name);
    }

    public CompletableFuture<Long> currentRevision() {
        return store.currentRevision();
    }

    private static StoredObject stored(ObjectNode object, KeyValue kv) {
        ObjectNode copy = withMetadata(object);
        ((ObjectNode) copy.get("metadata")).put("resourceVersion", Long.toString(kv.modRevision()));
        return new StoredObject(copy, kv.modRevision());
    }

    /**
     * A copy of the object whose top level and metadata are its own and whose other members (spec, status)
     * are shared with the original: enough to change metadata fields without a deep copy. Neither the
     * original nor the copy may have its shared members changed afterwards; the write paths hand both on
     * to be read (encoded, rendered) only.
     */
    private static ObjectNode withMetadata(ObjectNode object) {
        ObjectNode copy = object.objectNode();
        copy.setAll(object);
        JsonNode metadata = object.get("metadata");
        copy.set("metadata", metadata instanceof ObjectNode m ? m.objectNode().setAll(m) : copy.objectNode());
        return copy;
    }

    private static <T> CompletableFuture<T> map(CompletableFuture<T> future, ResourceInfo resource, String name) {
        return future.exceptionally(t -> {
            throw translate(t, resource, name);
        });
    }

    /** Store errors in the words kube-apiserver uses for them. */
    public static RuntimeException translate(Throwable t, ResourceInfo resource, String name) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        String plural = resource == null ? "objects" : resource.plural();
        String group = resource == null ? "" : resource.gvk().group();
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof KeyExistsException) {
            return ApiException.alreadyExists(group, plural, name);
        }
        if (cause instanceof KeyNotFoundException) {
            return ApiException.notFound(group, plural, name);
        }
        if (cause instanceof ConflictException) {
            return ApiException.conflict(group, plural, name, "the object has been modified; please apply your changes to the latest "
                    + "version and try again");
        }
        if (cause instanceof CompactedException c) {
            return ApiException.gone("The provided continue parameter is too old to display a consistent list result. "
                    + "You can start a new list without the continue parameter. (requested revision " + c.requested() + ")");
        }
        if (cause instanceof ValueTooLargeException) {
            return ApiException.tooLarge(cause.getMessage());
        }
        if (cause instanceof InvalidKeyException) {
            return ApiException.badRequest(cause.getMessage());
        }
        if (cause instanceof RuntimeException other && !(cause instanceof io.coxswain.store.StoreException)) {
            return other; // not the store's: the caller's own signal or bug, passed on as it is
        }
        return ApiException.internal(String.valueOf(cause.getMessage()));
    }

    /** Runs a read-modify-write until it does not race another writer, as GuaranteedUpdate does. */
    public CompletableFuture<StoredObject> guaranteedUpdate(ResourceInfo resource, String namespace, String name,
                                                            Function<StoredObject, CompletableFuture<ObjectNode>> change) {
        // A value the store keeps in a form it no longer writes (an old encryption key) is written again first, so that
        // even an unchanged object moves to the new form; the change still sees the resourceVersion its caller read.
        return require(resource, namespace, name)
                .thenCompose(read -> store.refreshStale(resource.key(namespace, name), read.resourceVersion())
                        .thenApply(now -> now == read.resourceVersion() ? read : new StoredObject(read.object(), now)))
                .thenCompose(current -> change.apply(current)
                        .thenCompose(updated -> store.update(resource.key(namespace, name), encode(updated), current.resourceVersion())
                                .thenApply(kv -> stored(updated, kv))))
                .handle((ok, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(ok);
                    }
                    // Only the store's own compare-and-swap race is retried; a conflict the change reports is final.
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof ConflictException) {
                        return guaranteedUpdate(resource, namespace, name, change);
                    }
                    return CompletableFuture.<StoredObject>failedFuture(translate(error, resource, name));
                }).thenCompose(f -> f);
    }
}
