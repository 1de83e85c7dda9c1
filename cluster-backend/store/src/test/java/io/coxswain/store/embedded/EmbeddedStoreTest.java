package io.coxswain.store.embedded;

import io.coxswain.store.CompactedException;
import io.coxswain.store.KeyValue;
import io.coxswain.store.ListResult;
import io.coxswain.store.WatchEvent;
import io.coxswain.store.WatchListener;
import io.coxswain.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What only the embedded store has: a data directory that survives restarts and belongs to one process. */
class EmbeddedStoreTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRestartRecoversEveryWriteAndTheRevision() {
        long revision;
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            for (int i = 0; i < 100; i++) {
                store.create("/registry/pods/default/p" + i, bytes("{\"n\":" + i + "}")).join();
            }
            KeyValue p1 = store.get("/registry/pods/default/p1").join().orElseThrow();
            store.update(p1.key(), bytes("{\"n\":\"one\"}"), p1.modRevision()).join();
            store.delete("/registry/pods/default/p2", 0).join();
            revision = store.currentRevision().join();
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            assertThat(store.currentRevision().join()).isEqualTo(revision);
            assertThat(store.count("/registry/pods/").join()).isEqualTo(99);
            KeyValue p1 = store.get("/registry/pods/default/p1").join().orElseThrow();
            assertThat(p1.valueAsString()).isEqualTo("{\"n\":\"one\"}");
            assertThat(p1.version()).isEqualTo(2);
            assertThat(store.get("/registry/pods/default/p2").join()).isEmpty();
            assertThat(store.create("/registry/pods/default/new", bytes("{}")).join().modRevision()).isEqualTo(revision + 1);
        }
    }

    @Test
    void aWatchAfterRestartReplaysHistoryFromTheLog() {
        long from;
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            from = store.create("/w/a", bytes("1")).join().modRevision();
            store.create("/w/b", bytes("2")).join();
            store.delete("/w/a", 0).join();
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            store.watch("/w/", from, listener(events));
            await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 3);
            assertThat(events).extracting(WatchEvent::type)
                    .containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.DELETE);
            assertThat(events.get(2).prevKv().valueAsString()).isEqualTo("1");
        }
    }

    @Test
    void compactionSurvivesARestart() {
        long compactAt;
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            for (int i = 0; i < 10; i++) {
                store.create("/c/k" + i, bytes("v")).join();
            }
            compactAt = store.currentRevision().join();
            store.delete("/c/k0", 0).join();
            store.compact(compactAt).join();
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            assertThat(store.compactRevision()).isEqualTo(compactAt);
            assertThat(store.count("/c/").join()).isEqualTo(9);
            String staleToken = new io.coxswain.store.ContinueToken(compactAt - 1, "/c/").encode();
            assertThatThrownBy(() -> store.list("/c/", 5, staleToken).join()).hasCauseInstanceOf(CompactedException.class);
            ListResult page = store.list("/c/", 5, null).join();
            assertThat(page.items()).hasSize(5);
            assertThat(page.remaining()).isEqualTo(4);
        }
    }

    @Test
    void aDataDirectoryBelongsToOneStoreAtATime() {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            assertThatThrownBy(() -> EmbeddedStore.open(dir))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("in use");
        }
        EmbeddedStore.open(dir).close();
    }

    @Test
    void writesAfterCloseFailClearly() {
        EmbeddedStore store = EmbeddedStore.open(dir);
        store.close();
        assertThatThrownBy(() -> store.create("/x/y", bytes("1")).join())
                .isInstanceOf(CompletionException.class)
                .hasMessageContaining("closed");
    }

    private static WatchListener listener(List<WatchEvent> events) {
        return new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                events.add(event);
            }

            @Override
            public void onError(StoreException error) {
                throw new AssertionError("unexpected watch error", error);
            }
        };
    }
}
