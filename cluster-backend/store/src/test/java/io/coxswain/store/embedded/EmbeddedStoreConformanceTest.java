package io.coxswain.store.embedded;

import io.coxswain.store.Store;
import io.coxswain.store.StoreConformanceTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared suite against the embedded store, each test in a fresh data directory. */
class EmbeddedStoreConformanceTest extends StoreConformanceTest {

    @TempDir
    Path dirs;

    @Override
    protected Store newStore() throws Exception {
        return EmbeddedStore.open(Files.createTempDirectory(dirs, "store"));
    }
}
