package io.coxswain.apiserver.encryption;

import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;
import io.coxswain.store.StoreException;
import io.coxswain.store.Watch;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import io.coxswain.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The decorator over the real embedded store: what the store holds, and what every reader above it sees. */
class EncryptingStoreTest {

    private static final String KEY = "/registry/secrets/default/db";
    private static final byte[] JSON = "{\"data\":{\"password\":\"czNjcjN0\"}}".getBytes(StandardCharsets.UTF_8);

    private static EncryptionConfiguration config(String providers) {
        return EncryptionConfiguration.parse(EncryptionConfigurationTest.config(providers));
    }

    @Test
    void theStoreHoldsCiphertextAndReadersSeePlainJson(@TempDir Path dir) throws Exception {
        try (EmbeddedStore raw = EmbeddedStore.open(dir)) {
            Store store = EncryptingStore.wrap(raw, config("- aesgcm: {keys: [{name: key1, secret: %s}]}".formatted(EncryptionConfigurationTest.KEY)));
            LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
            Watch watch = store.watch("/registry/secrets/", 0, listener(events));
            KeyValue created = store.create(KEY, JSON).join();
            assertThat(created.value()).isEqualTo(JSON);
            store.create("/registry/pods/default/web", JSON).join();

            String stored = raw.get(KEY).join().orElseThrow().valueAsString();
            assertThat(stored).startsWith("k8s:enc:aesgcm:v1:key1:").doesNotContain("czNjcjN0");
            assertThat(raw.get("/registry/pods/default/web").join().orElseThrow().value()).isEqualTo(JSON);
            assertThat(store.get(KEY).join().orElseThrow().value()).isEqualTo(JSON);
            assertThat(store.list("/registry/secrets/", 0, null).join().items().get(0).value()).isEqualTo(JSON);
            store.update(KEY, "{}".getBytes(StandardCharsets.UTF_8), created.modRevision()).join();
            assertThat(((WatchEvent) events.poll(5, TimeUnit.SECONDS)).kv().value()).isEqualTo(JSON);
            WatchEvent update = (WatchEvent) events.poll(5, TimeUnit.SECONDS);
            assertThat(update.kv().valueAsString()).isEqualTo("{}");
            watch.close();
            assertThat(store.delete(KEY, 0).join().valueAsString()).isEqualTo("{}");
        }
    }

    @Test
    void aValueNoProviderReadsFailsThatReadAndEndsAWatchWithTheReason(@TempDir Path dir) throws Exception {
        try (EmbeddedStore raw = EmbeddedStore.open(dir)) {
            EncryptingStore.wrap(raw, config("- aesgcm: {keys: [{name: key1, secret: %s}]}".formatted(EncryptionConfigurationTest.KEY)))
                    .create(KEY, JSON).join();
            Store wrong = EncryptingStore.wrap(raw, config("- aesgcm: {keys: [{name: key1, secret: %s}]}".formatted(
                    java.util.Base64.getEncoder().encodeToString(new byte[32]))));
            Throwable e = catchThrowable(() -> wrong.get(KEY).join());
            assertThat(e).isInstanceOf(CompletionException.class).cause().isInstanceOf(UnreadableValueException.class)
                    .hasMessage("failed to decrypt the stored value of " + KEY + ": cipher: message authentication failed");
            assertThat(catchThrowable(() -> wrong.list("/registry/secrets/", 0, null).join())).cause().isInstanceOf(UnreadableValueException.class);

            LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
            long from = raw.currentRevision().join();
            try (Watch ignored = wrong.watch("/registry/secrets/", from, listener(events))) {
                assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(UnreadableValueException.class);
            }
            // other keys are untouched by it
            wrong.create("/registry/secrets/default/new", JSON).join();
            assertThat(wrong.get("/registry/secrets/default/new").join().orElseThrow().value()).isEqualTo(JSON);
        }
    }

    @Test
    void aValueUnderAKeyThatNoLongerWritesIsWrittenAgainOnRefresh(@TempDir Path dir) throws Exception {
        String newKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        try (EmbeddedStore raw = EmbeddedStore.open(dir)) {
            long plainRevision = raw.create("/registry/secrets/default/plain", JSON).join().modRevision();
            Store before = EncryptingStore.wrap(raw, config("- aesgcm: {keys: [{name: key1, secret: %s}]}\n- identity: {}"
                    .formatted(EncryptionConfigurationTest.KEY)));
            long revision = before.create(KEY, JSON).join().modRevision();
            Store rotated = EncryptingStore.wrap(raw, config("- aesgcm: {keys: [{name: key2, secret: %s}, {name: key1, secret: %s}]}"
                    .formatted(newKey, EncryptionConfigurationTest.KEY) + "\n- identity: {}"));
            long now = rotated.refreshStale(KEY, revision).join();
            assertThat(now).isGreaterThan(revision);
            assertThat(raw.get(KEY).join().orElseThrow().valueAsString()).startsWith("k8s:enc:aesgcm:v1:key2:");
            assertThat(rotated.get(KEY).join().orElseThrow().value()).isEqualTo(JSON);
            // already in the writer's form, or no longer at that revision: nothing is written
            assertThat(rotated.refreshStale(KEY, now).join()).isEqualTo(now);
            assertThat(rotated.refreshStale(KEY, revision).join()).isEqualTo(revision);
            // plain text from before encryption is stale too
            assertThat(rotated.refreshStale("/registry/secrets/default/plain", plainRevision).join()).isGreaterThan(plainRevision);
            assertThat(raw.get("/registry/secrets/default/plain").join().orElseThrow().valueAsString()).startsWith("k8s:enc:aesgcm:v1:key2:");
            long pod = raw.create("/registry/pods/default/web", JSON).join().modRevision();
            assertThat(rotated.refreshStale("/registry/pods/default/web", pod).join()).isEqualTo(pod);
        }
    }

    private static WatchListener listener(LinkedBlockingQueue<Object> into) {
        return new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                into.add(event);
            }

            @Override
            public void onError(StoreException error) {
                into.add(error);
            }
        };
    }
}
