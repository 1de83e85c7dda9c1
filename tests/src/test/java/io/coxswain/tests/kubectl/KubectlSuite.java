package io.coxswain.tests.kubectl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** A kubectl suite's shared fixture: one cluster and one kubectl session for the whole class. */
abstract class KubectlSuite {

    @TempDir
    static Path tempDir;
    static KubectlSession k;

    @BeforeAll
    static void startCluster() throws IOException {
        k = KubectlSession.start(tempDir);
    }

    @AfterAll
    static void stopCluster() {
        if (k != null) {
            k.close();
        }
    }
}
