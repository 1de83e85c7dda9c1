package io.coxswain.tests.kubelet;

import io.coxswain.tests.cluster.DockerNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;

/** A kubelet suite's shared fixture: one apiserver and one Docker node for the whole class. */
abstract class DockerNodeSuite {

    /** On a suite class: its kubelet authenticates as system:node:NAME (as in all-in-one), so the Node authorizer applies. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface KubeletAsNode {
    }

    @TempDir
    static Path dir;
    static DockerNode node;

    @BeforeAll
    static void startNode(TestInfo info) throws Exception {
        boolean asNode = info.getTestClass().map(c -> c.isAnnotationPresent(KubeletAsNode.class)).orElse(false);
        node = asNode ? DockerNode.startAsNode(dir) : DockerNode.start(dir);
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
            node = null;
        }
    }
}
