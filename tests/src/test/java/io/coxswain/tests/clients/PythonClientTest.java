package io.coxswain.tests.clients;

import io.coxswain.tests.SharedFiles;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official Kubernetes Python client (Debian's python3-kubernetes) as its users use it: the pytest suite in
 * {@code tests/clients/python} against an all-in-one started by {@code ./coxswain up}, once with TLS, the admin's
 * client certificate and RBAC (the default), once in plain HTTP ({@code --insecure-loopback}). Each pytest case is one dynamic test.
 */
class PythonClientTest {

    private static final Duration PYTEST_TIMEOUT = Duration.ofMinutes(12);

    @TestFactory
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    Stream<DynamicNode> suite() throws Exception {
        // /usr/bin/python3: Debian's, which has python3-kubernetes; another python3 may come first on PATH
        return ExternalSuite.againstAllInOne("python",
                xml -> List.of("/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/clients/python",
                        "--junitxml=" + xml),
                Map.of("PYTHONDONTWRITEBYTECODE", "1"), SharedFiles.projectRoot(), PYTEST_TIMEOUT,
                Set.of(0, 1)); // pytest: 0 all passed, 1 some failed
    }
}
