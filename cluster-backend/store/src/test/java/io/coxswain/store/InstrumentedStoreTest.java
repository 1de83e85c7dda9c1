package io.coxswain.store;

import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InstrumentedStoreTest {

    @Test
    void timesEachOperationByTheResourceOfItsKey(@TempDir Path dir) {
        try (ComponentMetrics metrics = new ComponentMetrics();
             Store store = new InstrumentedStore(EmbeddedStore.open(dir), metrics.registry())) {
            KeyValue created = store.create("/registry/pods/default/web", "{}".getBytes(StandardCharsets.UTF_8)).join();
            store.get("/registry/pods/default/web").join();
            store.update("/registry/pods/default/web", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), created.modRevision()).join();
            store.list("/registry/deployments/", 0, null).join();
            store.count("/registry/pods/").join();
            assertThat(store.sizeBytes().join()).isPositive();
            String text = metrics.scrape();
            assertThat(text).contains("etcd_request_duration_seconds_count{operation=\"create\",type=\"pods\"} 1",
                    "etcd_request_duration_seconds_count{operation=\"get\",type=\"pods\"} 1",
                    "etcd_request_duration_seconds_count{operation=\"update\",type=\"pods\"} 1",
                    "etcd_request_duration_seconds_count{operation=\"list\",type=\"deployments\"} 1",
                    "etcd_request_duration_seconds_count{operation=\"listWithCount\",type=\"pods\"} 1",
                    "etcd_request_duration_seconds_bucket{operation=\"get\",type=\"pods\",le=\"60.0\"} 1");
        }
    }

    @Test
    void theTypeIsTheKeysResource() {
        assertThat(InstrumentedStore.type("/registry/pods/default/web")).isEqualTo("pods");
        assertThat(InstrumentedStore.type("/registry/namespaces/")).isEqualTo("namespaces");
        assertThat(InstrumentedStore.type("/other/x")).isEqualTo("other");
    }
}
