package io.coxswain.apiserver.encryption;

import io.coxswain.store.ForwardingStore;
import io.coxswain.store.KeyValue;
import io.coxswain.store.ListResult;
import io.coxswain.store.Store;
import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Any store, with the values of the configured resources encrypted at rest: where kube-apiserver's etcd3 storage calls
 * its value transformer, at the one boundary where objects become bytes in the store. Every reader above it (the
 * registry, watches, RBAC's and bootstrap tokens' informers) sees plain JSON; the store sees only
 * {@code k8s:enc:<provider>:v1:<key>:...}. The storage key is the authenticated data, so a value moved to another key
 * does not decrypt. A value that cannot be read fails that read (a 500 for the request), never the server.
 */
public final class EncryptingStore extends ForwardingStore {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptingStore.class);
    private final EncryptionConfiguration config;

    private EncryptingStore(Store store, EncryptionConfiguration config) {
        super(store);
        this.config = config;
    }

    /** The store itself when there is no configuration. */
    public static Store wrap(Store store, EncryptionConfiguration config) {
        if (config == null) {
            return store;
        }
        config.writers().forEach((resource, writer) -> LOG.info("encryption at rest: {} written with {}", resource, writer));
        return new EncryptingStore(store, config);
    }

    private byte[] seal(String key, byte[] plain) {
        PrefixTransformers chain = config.forKey(key);
        return chain == null ? plain : chain.toStorage(plain, key.getBytes(StandardCharsets.UTF_8));
    }

    private KeyValue open(KeyValue kv) {
        if (kv == null || kv.value().length == 0) {
            return kv; // a deletion's event may carry no value: nothing to read
        }
        PrefixTransformers chain = config.forKey(kv.key());
        if (chain == null) {
            return kv;
        }
        try {
            byte[] plain = chain.fromStorage(kv.value(), kv.key().getBytes(StandardCharsets.UTF_8));
            return new KeyValue(kv.key(), plain, kv.createRevision(), kv.modRevision(), kv.version());
        } catch (ValueTransformer.TransformException e) {
            LOG.error("failed to decrypt data of {}: {}", kv.key(), e.getMessage());
            throw new UnreadableValueException(kv.key(), e.getMessage());
        }
    }

    /** What was written, with the caller's own bytes in place of the stored ones. */
    private static KeyValue plain(KeyValue written, byte[] value) {
        return new KeyValue(written.key(), value, written.createRevision(), written.modRevision(), written.version());
    }

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return store.get(key).thenApply(kv -> kv.map(this::open));
    }

    @Override
    public CompletableFuture<ListResult> list(String prefix, int limit, String continueToken) {
        return store.list(prefix, limit, continueToken).thenApply(page -> {
            List<KeyValue> items = new ArrayList<>(page.items().size());
            page.items().forEach(kv -> items.add(open(kv)));
            return new ListResult(items, page.revision(), page.continueToken(), page.remaining());
        });
    }

    @Override
    public CompletableFuture<KeyValue> create(String key, byte[] value) {
        CompletableFuture<byte[]> sealed = sealed(key, value);
        return sealed.thenCompose(s -> store.create(key, s)).thenApply(kv -> plain(kv, value));
    }

    @Override
    public CompletableFuture<KeyValue> update(String key, byte[] value, long expectedModRevision) {
        return sealed(key, value).thenCompose(s -> store.update(key, s, expectedModRevision)).thenApply(kv -> plain(kv, value));
    }

    private CompletableFuture<byte[]> sealed(String key, byte[] value) {
        try {
            return CompletableFuture.completedFuture(seal(key, value));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<KeyValue> delete(String key, long expectedModRevision) {
        return store.delete(key, expectedModRevision).thenApply(this::open);
    }

    /**
     * Events carry plain values. One that cannot be read ends the watch with that error (a watcher gets an ERROR event,
     * as from kube-apiserver, and an informer lists again) rather than being skipped, which would leave a watcher
     * believing it saw every change.
     */
    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        AtomicReference<Watch> inner = new AtomicReference<>();
        AtomicBoolean failed = new AtomicBoolean();
        Watch w = store.watch(prefix, fromRevision, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                if (failed.get()) {
                    return;
                }
                WatchEvent readable;
                try {
                    readable = new WatchEvent(event.type(), open(event.kv()), open(event.prevKv()));
                } catch (UnreadableValueException e) {
                    failed.set(true);
                    Watch running = inner.get();
                    if (running != null) {
                        running.close();
                    }
                    listener.onError(e);
                    return;
                }
                listener.onEvent(readable);
            }

            @Override
            public void onError(StoreException error) {
                if (failed.compareAndSet(false, true)) {
                    listener.onError(error);
                }
            }
        });
        inner.set(w);
        return w;
    }

    /**
     * Re-encrypts a value that a provider other than the first one reads (an old key during a rotation, or plain text
     * once a provider is added), so that {@code kubectl replace} of an unchanged object moves it to the new key, as
     * kube's stale reads make its storage write even an unchanged object.
     */
    @Override
    public CompletableFuture<Long> refreshStale(String key, long modRevision) {
        PrefixTransformers chain = config.forKey(key);
        if (chain == null) {
            return store.refreshStale(key, modRevision);
        }
        return store.get(key).thenCompose(raw -> {
            if (raw.isEmpty() || raw.get().modRevision() != modRevision || !chain.stale(raw.get().value())) {
                return CompletableFuture.completedFuture(modRevision);
            }
            byte[] plain = open(raw.get()).value();
            LOG.debug("{} is kept with another provider than {}: written again", key, chain.writer());
            return store.update(key, seal(key, plain), modRevision).thenApply(KeyValue::modRevision);
        });
    }
}
