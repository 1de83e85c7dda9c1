package io.coxswain.apiserver.registry;

import io.coxswain.metrics.ComponentMetrics;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StorageMetricsTest {

    @Test
    void countsObjectsByResourceAndTheStoresSize(@TempDir Path dir) throws Exception {
        ResourceRegistry resources = new ResourceRegistry(SchemaCatalog.standard());
        try (ComponentMetrics component = new ComponentMetrics(); EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.create("/registry/deployments/default/web", "{}".getBytes(StandardCharsets.UTF_8)).join();
            store.create("/registry/pods/default/a", "{}".getBytes(StandardCharsets.UTF_8)).join();
            store.create("/registry/pods/default/b", "{}".getBytes(StandardCharsets.UTF_8)).join();
            StorageMetrics metrics = new StorageMetrics(store, resources, component.registry());
            metrics.refresh();
            String text = "";
            for (int i = 0; i < 100 && !text.contains("apiserver_storage_objects{resource=\"pods\"} 2.0"); i++) {
                Thread.sleep(20);
                text = component.scrape();
            }
            assertThat(text).contains("apiserver_storage_objects{resource=\"pods\"} 2.0")
                    .contains("apiserver_storage_objects{resource=\"deployments.apps\"} 1.0")
                    .doesNotContain("resource=\"bindings\"");
            assertThat(text.lines().filter(l -> l.startsWith("apiserver_storage_size_bytes{")).findFirst().orElseThrow())
                    .doesNotEndWith(" -1.0").doesNotEndWith(" 0.0");
        }
    }
}
