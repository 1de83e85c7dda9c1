package io.coxswain.apiserver.auth.bootstrap;

import io.coxswain.store.KeyValue;
import io.coxswain.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The index over a real embedded store: what was there before it started, then what the watch brings. */
class BootstrapTokenIndexTest {

    @TempDir
    Path dir;

    private static byte[] secret(String name, String tokenSecretB64) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"bootstrap.kubernetes.io/token\",\"metadata\":{\"name\":\""
                + name + "\",\"namespace\":\"kube-system\"},\"data\":{\"token-secret\":\"" + tokenSecretB64 + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void listsThenFollowsTheWatchKeepingOnlyBootstrapTokens() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.create("/registry/secrets/kube-system/bootstrap-token-aaaaaa", secret("bootstrap-token-aaaaaa", "YQ==")).get();
            store.create("/registry/secrets/kube-system/other", secret("other", "YQ==")).get();
            try (BootstrapTokenIndex index = new BootstrapTokenIndex(store)) {
                index.start().get(10, TimeUnit.SECONDS);
                assertThat(index.synced()).isTrue();
                assertThat(index.get("bootstrap-token-aaaaaa").get("token-secret")).isEqualTo("a");
                assertThat(index.get("other")).isNull();

                KeyValue b = store.create("/registry/secrets/kube-system/bootstrap-token-bbbbbb", secret("bootstrap-token-bbbbbb", "Yg==")).get();
                await(() -> index.get("bootstrap-token-bbbbbb") != null);
                store.update(b.key(), secret("bootstrap-token-bbbbbb", "Yw=="), b.modRevision()).get();
                await(() -> "c".equals(index.get("bootstrap-token-bbbbbb").get("token-secret")));
                KeyValue current = store.get(b.key()).get().orElseThrow();
                store.delete(b.key(), current.modRevision()).get();
                await(() -> index.get("bootstrap-token-bbbbbb") == null);
                // a Secret of another namespace with the same name is not kube-system's
                store.create("/registry/secrets/default/bootstrap-token-cccccc", secret("bootstrap-token-cccccc", "YQ==")).get();
                Thread.sleep(300);
                assertThat(index.get("bootstrap-token-cccccc")).isNull();
            }
        }
    }

    @Test
    void aSecretThatCannotBeDecryptedKeepsTheIndexUnsyncedWithoutFailingItsStart() throws Exception {
        String config = """
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                - resources: [secrets]
                  providers: [{aesgcm: {keys: [{name: k, secret: %s}]}}]
                """;
        try (EmbeddedStore raw = EmbeddedStore.open(dir)) {
            io.coxswain.store.Store before = encrypted(raw, config.formatted("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
            before.create("/registry/secrets/kube-system/bootstrap-token-aaaaaa", secret("bootstrap-token-aaaaaa", "YQ==")).get();
            io.coxswain.store.Store wrongKey = encrypted(raw, config.formatted(java.util.Base64.getEncoder().encodeToString(new byte[32])));
            try (BootstrapTokenIndex index = new BootstrapTokenIndex(wrongKey)) {
                index.startRetrying().get(10, TimeUnit.SECONDS);
                assertThat(index.synced()).isFalse();
                assertThat(index.get("bootstrap-token-aaaaaa")).isNull();
            }
        }
    }

    private static io.coxswain.store.Store encrypted(EmbeddedStore raw, String config) throws Exception {
        Path file = Files.createTempFile("encryption", ".yaml");
        try {
            Files.writeString(file, config);
            return io.coxswain.apiserver.encryption.EncryptingStore.wrap(raw,
                    io.coxswain.apiserver.encryption.EncryptionConfiguration.load(file));
        } finally {
            Files.delete(file);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
