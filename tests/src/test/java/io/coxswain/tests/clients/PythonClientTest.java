package io.coxswain.tests.clients;

import io.coxswain.tests.SharedFiles;
import io.coxswain.tests.cluster.LocalCoxswain;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official Kubernetes Python client (Debian's python3-kubernetes) as its users use it: the pytest suite in
 * {@code tests/clients/python} against an all-in-one started by {@code ./coxswain up}, once in plain mode (HTTP) and
 * once in team mode (TLS, the admin's client certificate, RBAC). Each pytest case is one dynamic test.
 */
class PythonClientTest {

    private static final Duration PYTEST_TIMEOUT = Duration.ofMinutes(12);

    @TestFactory
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> plainMode() throws Exception {
        return pytest(false);
    }

    @TestFactory
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> teamMode() throws Exception {
        return pytest(true);
    }

    private static Stream<DynamicTest> pytest(boolean secure) throws Exception {
        String mode = secure ? "team" : "plain";
        Path root = SharedFiles.projectRoot();
        Path target = root.resolve("tests/target/python-client");
        Files.createDirectories(target);
        Path dir = Files.createTempDirectory(target, mode + "-");
        String node = "py-" + mode + "-" + UUID.randomUUID().toString().substring(0, 6);
        Path xml = target.resolve("pytest-" + mode + ".xml");
        ExternalSuite.Result result;
        try (LocalCoxswain cluster = LocalCoxswain.up(dir.resolve("data"), node, Duration.ofMinutes(5), secure)) {
            result = ExternalSuite.run("python client, " + mode + " mode",
                    List.of("/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/clients/python",
                            "--junitxml=" + xml),
                    Map.of("KUBECONFIG", cluster.kubeconfig().toString(), "PYTHONDONTWRITEBYTECODE", "1"),
                    root, xml, PYTEST_TIMEOUT, Set.of(0, 1)); // pytest: 0 all passed, 1 some failed
        }
        System.out.println(result.summary());
        return result.dynamicTests();
    }
}
