package io.coxswain.apiserver.auth.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.client.bootstrap.BootstrapToken;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The bootstrap-token Secrets of kube-system in memory, so that authenticating a bearer token never reads the store
 * (kube's authenticator reads a Secret lister, an informer's cache). Lists kube-system's Secrets
 * ({@code /registry/secrets/kube-system/}) keeping the bootstrap-token-* ones, then watches them from the revision after
 * the list; a failed
 * watch lists again after a pause, as {@link io.coxswain.apiserver.rbac.PolicyWatcher} does for RBAC.
 */
public final class BootstrapTokenIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokenIndex.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The store watches whole directories: kube-system's Secrets, of which only bootstrap-token-* are kept. */
    static final String PREFIX = "/registry/secrets/kube-system/";

    private final Store store;
    private final Map<String, TokenSecret> byName = new ConcurrentHashMap<>();
    private volatile Watch watch;
    private volatile boolean synced;
    private volatile boolean closed;

    public BootstrapTokenIndex(Store store) {
        this.store = store;
    }

    /** The Secret kube-system/{@code name} if it is a bootstrap-token one, from memory. */
    TokenSecret get(String name) {
        return byName.get(name);
    }

    public boolean synced() {
        return synced && !closed;
    }

    /**
     * As {@link #start()}, except that a first list that fails (a kube-system Secret that cannot be decrypted with the
     * configured keys, say) does not stop the apiserver from starting: the index lists again, from 1 s to every 30 s, and
     * is not {@link #synced()} meanwhile, which readyz reports; kube-apiserver's informers retry the same way.
     */
    public CompletableFuture<Void> startRetrying() {
        return retrying(1);
    }

    private CompletableFuture<Void> retrying(long delaySeconds) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        return start().exceptionally(e -> {
            if (!closed) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                LOG.error("bootstrap-token Secrets not listed ({}); trying again in {} s", cause.getMessage(), delaySeconds);
                CompletableFuture.delayedExecutor(delaySeconds, TimeUnit.SECONDS).execute(() -> retrying(Math.min(30, delaySeconds * 2)));
            }
            return null;
        });
    }

    /** Completes once the Secrets are listed and watched. */
    public CompletableFuture<Void> start() {
        return listAll(null, new ArrayList<>()).thenAccept(result -> {
            Map<String, TokenSecret> fresh = new java.util.HashMap<>();
            for (KeyValue kv : result.items()) {
                TokenSecret s = decode(kv);
                if (s != null) {
                    fresh.put(name(kv.key()), s);
                }
            }
            synchronized (byName) {
                byName.keySet().retainAll(fresh.keySet());
                byName.putAll(fresh);
            }
            watch(result.revision() + 1);
            synced = true;
        });
    }

    private CompletableFuture<ListResult> listAll(String token, List<KeyValue> into) {
        return store.list(PREFIX, 500, token).thenCompose(page -> {
            into.addAll(page.items());
            if (page.continueToken() == null) {
                return CompletableFuture.completedFuture(new ListResult(into, page.revision(), null, 0));
            }
            return listAll(page.continueToken(), into);
        });
    }

    private void watch(long from) {
        if (closed) {
            return;
        }
        watch = store.watch(PREFIX, from, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                synchronized (byName) {
                    TokenSecret s = event.type() == WatchEvent.Type.DELETE ? null : decode(event.kv());
                    if (s == null) {
                        byName.remove(name(event.kv().key()));
                    } else {
                        byName.put(name(event.kv().key()), s);
                    }
                }
            }

            @Override
            public void onError(StoreException error) {
                synced = false;
                if (closed) {
                    return;
                }
                LOG.info("watch of bootstrap-token Secrets ended ({}); listing again", error.getMessage());
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(BootstrapTokenIndex.this::resync);
            }
        });
    }

    private void resync() {
        start().exceptionally(e -> {
            if (!closed) {
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(this::resync);
            }
            return null;
        });
    }

    private static TokenSecret decode(KeyValue kv) {
        if (!name(kv.key()).startsWith(BootstrapToken.SECRET_PREFIX)) {
            return null;
        }
        try {
            return TokenSecret.of(JSON.readTree(kv.value()));
        } catch (IOException e) {
            LOG.warn("Secret {} is not JSON: {}", kv.key(), e.getMessage());
            return null;
        }
    }

    private static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
