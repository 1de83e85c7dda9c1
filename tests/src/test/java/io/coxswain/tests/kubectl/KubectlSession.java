package io.coxswain.tests.kubectl;

import io.coxswain.controllers.namespace.NamespaceController;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.RunningController;
import io.coxswain.tests.cluster.TestCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test class's cluster (an apiserver, with the namespace controller so that {@code kubectl delete namespace}
 * finishes) and the real kubectl against it (with a fresh cache directory), plus the
 * small helpers the kubectl suites share: run and expect success or failure, write manifests, and print a
 * "verified: kubectl …" line once a command's output has been checked.
 */
final class KubectlSession implements AutoCloseable {

    final TestCluster cluster;
    final Kubectl kubectl;
    private final Path dir;
    private final RunningController namespaces;

    private KubectlSession(TestCluster cluster, Kubectl kubectl, Path dir) {
        this.cluster = cluster;
        this.kubectl = kubectl;
        this.dir = dir;
        this.namespaces = RunningController.start(cluster, NamespaceController::create);
    }

    static KubectlSession start(Path tempDir) throws IOException {
        TestCluster cluster = TestCluster.embedded(tempDir.resolve("cluster"));
        Path dir = Files.createDirectories(tempDir.resolve("work"));
        return new KubectlSession(cluster, new Kubectl(cluster, dir), dir);
    }

    /** Runs kubectl and expects exit code 0. */
    Kubectl.Result ok(String... args) throws IOException, InterruptedException {
        Kubectl.Result r = kubectl.run(args);
        assertThat(r.exitCode()).as("kubectl %s%nstdout: %s%nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    /** Runs kubectl with a standard input and expects exit code 0. */
    Kubectl.Result okWithInput(String stdin, String... args) throws IOException, InterruptedException {
        Kubectl.Result r = kubectl.run(stdin, args);
        assertThat(r.exitCode()).as("kubectl %s%nstdout: %s%nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isZero();
        return r;
    }

    /** Runs kubectl and expects exactly this exit code. */
    Kubectl.Result exits(int code, String... args) throws IOException, InterruptedException {
        Kubectl.Result r = kubectl.run(args);
        assertThat(r.exitCode()).as("kubectl %s%nstdout: %s%nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
                .isEqualTo(code);
        return r;
    }

    /** One field of an object through {@code -o jsonpath}. */
    String jsonpath(String resource, String path, String... more) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("get", resource));
        args.addAll(List.of(more));
        args.add("-o=jsonpath=" + path);
        return ok(args.toArray(String[]::new)).stdout();
    }

    Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    /** The line the lead's closing note collects. */
    static void verified(String command) {
        System.out.println("verified: kubectl " + command);
    }

    static List<String> lines(String out) {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        namespaces.close();
        cluster.close();
    }
}
