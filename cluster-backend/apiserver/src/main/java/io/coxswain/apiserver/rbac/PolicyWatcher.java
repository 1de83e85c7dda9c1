package io.coxswain.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.apiserver.watch.PrefixMirror;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps an {@link RbacPolicy} equal to the store: one {@link PrefixMirror} per RBAC kind (list, then watch from the
 * revision after it, listed again when a watch fails). This is the informer of kube's RBAC authorizer, without a
 * client in between.
 */
public final class PolicyWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RbacPolicy policy;
    private final List<PrefixMirror> mirrors = new ArrayList<>();

    public PolicyWatcher(Store store, RbacPolicy policy) {
        this.policy = policy;
        for (RbacPolicy.Kind kind : RbacPolicy.Kind.values()) {
            mirrors.add(new PrefixMirror(store, kind.prefix(), new KindSink(kind)));
        }
    }

    /** Whether every kind is listed into the policy and watched now: readyz's informer-sync. */
    public boolean synced() {
        return mirrors.stream().allMatch(PrefixMirror::synced);
    }

    /** Completes once every kind has been listed into the policy and is watched. */
    public CompletableFuture<Void> start() {
        return CompletableFuture.allOf(mirrors.stream().map(PrefixMirror::start).toArray(CompletableFuture[]::new));
    }

    /** One kind's objects into the policy; the policy is the lock, as its readers take no other. */
    private final class KindSink implements PrefixMirror.Sink {
        private final RbacPolicy.Kind kind;

        KindSink(RbacPolicy.Kind kind) {
            this.kind = kind;
        }

        @Override
        public void replace(List<KeyValue> items) {
            synchronized (policy) {
                policy.clear(kind);
                items.forEach(this::put);
            }
        }

        @Override
        public void put(KeyValue kv) {
            String[] id = id(kind, kv.key());
            try {
                JsonNode object = JSON.readTree(kv.value());
                synchronized (policy) {
                    policy.apply(kind, id[0], id[1], object);
                }
            } catch (IOException e) {
                LOG.warn("RBAC object {} is not JSON: {}", kv.key(), e.getMessage());
            }
        }

        @Override
        public void delete(String key) {
            String[] id = id(kind, key);
            synchronized (policy) {
                policy.apply(kind, id[0], id[1], null);
            }
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
        mirrors.forEach(PrefixMirror::close);
    }
}
