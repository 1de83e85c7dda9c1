package io.coxswain.tests.controllers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** One {@link ControllerNode} per test class: started before the first test, closed after the last. */
abstract class ControllerSuite {

    @TempDir
    static Path dir;
    static ControllerNode cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ControllerNode.start(dir);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
