package io.coxswain.apiserver.auth.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.apiserver.auth.StoreIndex;
import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The bootstrap-token Secrets of kube-system in memory, so that authenticating a bearer token never reads the store
 * (kube's authenticator reads a Secret lister, an informer's cache): a {@link StoreIndex} of kube-system's Secrets
 * ({@code /registry/secrets/kube-system/}) that keeps the bootstrap-token-* ones.
 */
public final class BootstrapTokenIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapTokenIndex.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The store watches whole directories: kube-system's Secrets, of which only bootstrap-token-* are kept. */
    static final String PREFIX = "/registry/secrets/kube-system/";

    private final StoreIndex<TokenSecret> secrets;

    public BootstrapTokenIndex(Store store) {
        this.secrets = new StoreIndex<>(store, PREFIX, BootstrapTokenIndex::decode);
    }

    /** The Secret kube-system/{@code name} if it is a bootstrap-token one, from memory. */
    TokenSecret get(String name) {
        return secrets.get(name);
    }

    public boolean synced() {
        return secrets.synced();
    }

    /** Completes once the Secrets are listed and watched. */
    public CompletableFuture<Void> start() {
        return secrets.start();
    }

    private static TokenSecret decode(KeyValue kv) {
        if (!kv.key().substring(PREFIX.length()).startsWith(BootstrapToken.SECRET_PREFIX)) {
            return null;
        }
        try {
            return TokenSecret.of(JSON.readTree(kv.value()));
        } catch (IOException e) {
            LOG.warn("Secret {} is not JSON: {}", kv.key(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        secrets.close();
    }
}
