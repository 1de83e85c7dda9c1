package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.apiserver.auth.StoreIndex;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every ServiceAccount in memory, with what the token authenticator and the ServiceAccount admission read of it: its
 * uid and deletion, automountServiceAccountToken and imagePullSecrets (kube's ServiceAccount lister).
 */
public final class ServiceAccountIndex implements AutoCloseable {

    /** One account as the index keeps it; {@code automount} null when the account does not say. */
    public record Account(LiveObject live, Boolean automount, List<String> imagePullSecrets) {
    }

    static final String PREFIX = "/registry/serviceaccounts/";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** kube's admission looks the default account up this often before it gives up: the controller should make it. */
    private static final int DEFAULT_ATTEMPTS = 10;

    private final Store store;
    private final StoreIndex<Account> accounts;

    public ServiceAccountIndex(Store store) {
        this.store = store;
        this.accounts = new StoreIndex<>(store, PREFIX, ServiceAccountIndex::decode);
    }

    /** From memory only, for a request being authenticated. */
    public Account cached(String namespace, String name) {
        return accounts.get(namespace + "/" + name);
    }

    /**
     * kube's admission getServiceAccount: the cache, else the store itself (the cache may be behind a create), and for
     * {@code default}, which the serviceaccount controller is about to make in a new namespace, up to ten reads 100 to
     * 200 ms apart. Blocks: called on the apiserver's worker threads, never on an event loop.
     */
    public Optional<Account> lookup(String namespace, String name) {
        Account cached = cached(namespace, name);
        if (cached != null) {
            return Optional.of(cached);
        }
        int attempts = "default".equals(name) ? DEFAULT_ATTEMPTS : 1;
        long pause = 100 + ThreadLocalRandom.current().nextLong(100);
        for (int i = 0; i < attempts; i++) {
            if (i > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            Optional<KeyValue> kv = store.get(PREFIX + namespace + "/" + name).join();
            if (kv.isPresent()) {
                return Optional.ofNullable(decode(kv.get()));
            }
        }
        return Optional.empty();
    }

    public CompletableFuture<Void> start() {
        return accounts.startRetrying();
    }

    public boolean synced() {
        return accounts.synced();
    }

    private static Account decode(KeyValue kv) {
        try {
            JsonNode sa = JSON.readTree(kv.value());
            JsonNode meta = sa.path("metadata");
            Instant deleted = meta.hasNonNull("deletionTimestamp") ? Instant.parse(meta.get("deletionTimestamp").asText()) : null;
            JsonNode automount = sa.path("automountServiceAccountToken");
            List<String> pullSecrets = new ArrayList<>();
            sa.path("imagePullSecrets").forEach(s -> pullSecrets.add(s.path("name").asText("")));
            return new Account(new LiveObject(meta.path("uid").asText(""), deleted),
                    automount.isBoolean() ? automount.asBoolean() : null, List.copyOf(pullSecrets));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        accounts.close();
    }
}
