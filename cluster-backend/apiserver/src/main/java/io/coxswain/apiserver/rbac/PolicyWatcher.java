package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.store.KeyValue;
import io.coxswain.store.ListResult;
import io.coxswain.store.Store;
import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an {@link RbacPolicy} equal to the store: lists each of the four RBAC prefixes, then watches each from the
 * revision after its list. A watch that fails (compacted, overflowed, store unavailable) is re-listed and re-watched
 * after a short pause. This is the informer of kube's RBAC authorizer, without a client in between.
 */
public final class PolicyWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final RbacPolicy policy;
    private final List<Watch> watches = new ArrayList<>();
    /** The kinds listed and watched now; one whose watch failed is out until it is listed again. */
    private final java.util.Set<RbacPolicy.Kind> synced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public PolicyWatcher(Store store, RbacPolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    /** Whether every kind is listed into the policy and watched now: readyz's informer-sync. */
    public boolean synced() {
        return !closed && synced.size() == RbacPolicy.Kind.values().length;
    }

    /** Completes once every kind has been listed into the policy and is watched. */
    public CompletableFuture<Void> start() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (RbacPolicy.Kind kind : RbacPolicy.Kind.values()) {
            all.add(sync(kind));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> sync(RbacPolicy.Kind kind) {
        return listAll(kind.prefix(), null, new ArrayList<>()).thenAccept(result -> {
            synchronized (policy) {
                policy.clear(kind);
                result.items().forEach(kv -> put(kind, kv));
            }
            watch(kind, result.revision() + 1);
            synced.add(kind);
        });
    }

    private CompletableFuture<ListResult> listAll(String prefix, String token, List<KeyValue> into) {
        return store.list(prefix, 500, token).thenCompose(page -> {
            into.addAll(page.items());
            if (page.continueToken() == null) {
                return CompletableFuture.completedFuture(new ListResult(into, page.revision(), null, 0));
            }
            return listAll(prefix, page.continueToken(), into);
        });
    }

    private void watch(RbacPolicy.Kind kind, long from) {
        if (closed) {
            return;
        }
        Watch w = store.watch(kind.prefix(), from, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                synchronized (policy) {
                    if (event.type() == WatchEvent.Type.DELETE) {
                        String[] id = id(kind, event.kv().key());
                        policy.apply(kind, id[0], id[1], null);
                    } else {
                        put(kind, event.kv());
                    }
                }
            }

            @Override
            public void onError(StoreException error) {
                synced.remove(kind);
                if (closed) {
                    return;
                }
                LOG.info("RBAC watch of {} ended ({}); listing again", kind.plural(), error.getMessage());
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> resync(kind));
            }
        });
        synchronized (watches) {
            watches.add(w);
        }
    }

    private void resync(RbacPolicy.Kind kind) {
        sync(kind).exceptionally(e -> {
            if (!closed) {
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> resync(kind));
            }
            return null;
        });
    }

    private void put(RbacPolicy.Kind kind, KeyValue kv) {
        String[] id = id(kind, kv.key());
        try {
            JsonNode object = JSON.readTree(kv.value());
            policy.apply(kind, id[0], id[1], object);
        } catch (IOException e) {
            LOG.warn("RBAC object {} is not JSON: {}", kv.key(), e.getMessage());
        }
    }

    /** Namespace (or null) and name from /registry/roles/ns/name or /registry/clusterroles/name. */
    private static String[] id(RbacPolicy.Kind kind, String key) {
        String rest = key.substring(kind.prefix().length());
        if (!kind.namespaced) {
            return new String[] {null, rest};
        }
        int slash = rest.indexOf('/');
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    @Override
    public void close() {
        closed = true;
        synchronized (watches) {
            watches.forEach(Watch::close);
            watches.clear();
        }
    }
}
