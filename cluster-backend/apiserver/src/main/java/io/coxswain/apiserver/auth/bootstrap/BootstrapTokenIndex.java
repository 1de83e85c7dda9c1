package io.coxswain.apiserver.auth.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.apiserver.watch.PrefixMirror;
import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bootstrap-token Secrets of kube-system in memory, so that authenticating a bearer token never reads the store
 * (kube's authenticator reads a Secret lister, an informer's cache): a {@link PrefixMirror} of kube-system's Secrets
 * ({@code /registry/secrets/kube-system/}) keeping the bootstrap-token-* ones.
 */
public final class BootstrapTokenIndex implements AutoCloseable, PrefixMirror.Sink {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokenIndex.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The store watches whole directories: kube-system's Secrets, of which only bootstrap-token-* are kept. */
    static final String PREFIX = "/registry/secrets/kube-system/";

    private final Map<String, TokenSecret> byName = new ConcurrentHashMap<>();
    private final PrefixMirror mirror;

    public BootstrapTokenIndex(Store store) {
        this.mirror = new PrefixMirror(store, PREFIX, this);
    }

    /** The Secret kube-system/{@code name} if it is a bootstrap-token one, from memory. */
    TokenSecret get(String name) {
        return byName.get(name);
    }

    public boolean synced() {
        return mirror.synced();
    }

    /** Completes once the Secrets are listed and watched. */
    public CompletableFuture<Void> start() {
        return mirror.start();
    }

    @Override
    public void replace(List<KeyValue> items) {
        Map<String, TokenSecret> fresh = new java.util.HashMap<>();
        for (KeyValue kv : items) {
            TokenSecret s = decode(kv);
            if (s != null) {
                fresh.put(name(kv.key()), s);
            }
        }
        byName.keySet().retainAll(fresh.keySet());
        byName.putAll(fresh);
    }

    @Override
    public void put(KeyValue kv) {
        TokenSecret s = decode(kv);
        if (s == null) {
            byName.remove(name(kv.key()));
        } else {
            byName.put(name(kv.key()), s);
        }
    }

    @Override
    public void delete(String key) {
        byName.remove(name(key));
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
        mirror.close();
    }
}
