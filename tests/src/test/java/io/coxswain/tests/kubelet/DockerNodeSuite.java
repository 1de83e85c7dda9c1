package io.coxswain.tests.kubelet;

import io.coxswain.tests.cluster.DockerNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A kubelet suite's shared fixture: one apiserver and one Docker node for the whole class. */
abstract class DockerNodeSuite {

    @TempDir
    static Path dir;
    static DockerNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = DockerNode.start(dir);
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
            node = null;
        }
    }
}
