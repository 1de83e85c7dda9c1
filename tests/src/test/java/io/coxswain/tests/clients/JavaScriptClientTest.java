package io.coxswain.tests.clients;

import io.coxswain.tests.SharedFiles;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official Kubernetes JavaScript client ({@code @kubernetes/client-node}, pinned in {@code tests/clients/node})
 * as its users use it: the suite of Node's own test runner in {@code tests/clients/node/suite} (list, watch, an
 * informer, server-side apply, Status errors) against an all-in-one started by {@code ./coxswain up}, once with TLS, the admin's
 * client certificate and RBAC (the default), once in plain HTTP ({@code --insecure-loopback}). The suite reads the cluster from
 * {@code KUBECONFIG}. Each test case of its JUnit report is one dynamic test. {@code ./coxswain test} installs the
 * client ({@code npm ci} there).
 */
class JavaScriptClientTest {

    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(8);

    @TestFactory
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    Stream<DynamicNode> suite() throws Exception {
        Path suite = SharedFiles.projectRoot().resolve("tests/clients/node");
        if (!Files.isDirectory(suite.resolve("node_modules/@kubernetes/client-node"))) {
            throw new AssertionError("the JavaScript client is not installed in " + suite
                    + ": ./coxswain test installs it, or run `npm ci --no-audit --no-fund` there");
        }
        // No --test-force-exit: on Node 20 it exits before the junit reporter's file is flushed. The suite closes
        // its own watches, informers and log streams instead, and ExternalSuite kills a runner that overstays.
        return ExternalSuite.againstAllInOne("javascript",
                xml -> List.of("node", "--test", "--test-concurrency=1",
                        "--test-reporter=junit", "--test-reporter-destination=" + xml,
                        "--test-reporter=spec", "--test-reporter-destination=stdout",
                        "suite/"),
                Map.of("NO_COLOR", "1"), suite, NODE_TIMEOUT, Set.of(0, 1)); // node --test: 0 all passed, 1 some failed
    }
}
