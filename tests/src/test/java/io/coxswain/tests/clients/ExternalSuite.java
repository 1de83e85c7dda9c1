package io.coxswain.tests.clients;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A test suite that an external runner runs (pytest, a JavaScript test runner, ...), turned into JUnit dynamic tests:
 * {@link #run} starts the command in a working directory with extra environment variables, waits for it up to a
 * hard timeout (then kills it and what it started), and reads the JUnit XML report it wrote. Each {@code <testcase>}
 * becomes one {@link DynamicTest} that fails with the runner's failure text, or is aborted when the runner skipped it.
 * The run itself fails (an {@link AssertionError} from {@code run}) when the runner timed out, exited with a code that
 * does not mean "ran the tests", wrote no report, or ran no test.
 */
public final class ExternalSuite {

    /** One {@code <testcase>} of the report. {@code failure} is null when it passed; {@code skipped} when the runner skipped it. */
    public record Case(String suite, String name, String failure, boolean skipped, double seconds) {
        public String displayName() {
            return suite.isEmpty() ? name : suite + " › " + name;
        }
    }

    /** What one run gave: its exit code, its output (stdout and stderr together), the cases of its report. */
    public record Result(String label, int exitCode, String output, List<Case> cases, Duration took) {

        public long failed() {
            return cases.stream().filter(c -> c.failure() != null).count();
        }

        public long skipped() {
            return cases.stream().filter(c -> c.failure() == null && c.skipped()).count();
        }

        public long passed() {
            return cases.size() - failed() - skipped();
        }

        public String summary() {
            return String.format("%s: %d passed, %d failed, %d skipped in %d s (exit code %d)",
                    label, passed(), failed(), skipped(), took.toSeconds(), exitCode);
        }

        public Stream<DynamicTest> dynamicTests() {
            return cases.stream().map(c -> DynamicTest.dynamicTest(c.displayName(), verdict(c)));
        }

        private static Executable verdict(Case c) {
            return () -> {
                if (c.failure() != null) {
                    throw new AssertionFailedError(c.displayName() + " failed in the runner:\n" + c.failure());
                }
                if (c.skipped()) {
                    throw new TestAbortedException("skipped by the runner");
                }
            };
        }
    }

    private ExternalSuite() {
    }

    /**
     * Runs {@code command} in {@code workDir} with {@code env} added to this process's environment, and reads the
     * JUnit XML report at {@code junitXml} (deleted first). {@code testsRan} are the exit codes that mean the runner
     * ran the tests, whatever their outcome (pytest: 0 all passed, 1 some failed). The output goes to
     * {@code junitXml} with the extension {@code .log}.
     */
    public static Result run(String label, List<String> command, Map<String, String> env, Path workDir, Path junitXml,
                             Duration timeout, Set<Integer> testsRan) throws IOException, InterruptedException {
        Files.createDirectories(junitXml.toAbsolutePath().getParent());
        Files.deleteIfExists(junitXml);
        Path log = junitXml.resolveSibling(junitXml.getFileName().toString().replaceFirst("\\.xml$", "") + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!finished) {
            throw new AssertionError(label + ": " + String.join(" ", command) + " did not finish in " + timeout.toSeconds()
                    + " s and was killed; its output ends with:\n" + tail(output));
        }
        int exit = p.exitValue();
        if (!testsRan.contains(exit)) {
            throw new AssertionError(label + ": " + String.join(" ", command) + " exited with " + exit
                    + ", which is not a test outcome; its output ends with:\n" + tail(output));
        }
        if (!Files.isRegularFile(junitXml)) {
            throw new AssertionError(label + ": no report at " + junitXml + "; the output ends with:\n" + tail(output));
        }
        List<Case> cases = parse(junitXml);
        if (cases.isEmpty()) {
            throw new AssertionError(label + ": the runner ran no test; its output ends with:\n" + tail(output));
        }
        if (exit == 0 && cases.stream().anyMatch(c -> c.failure() != null)) {
            throw new AssertionError(label + ": the runner exited with 0 but its report has failures");
        }
        return new Result(label, exit, output, cases, took);
    }

    /**
     * Runs a client's suite against two all-in-ones of its own, one after the other, each started by
     * {@code ./coxswain up}: one as every all-in-one is by default (TLS, the admin's client certificate, RBAC) and one
     * with {@code --insecure-loopback} (plain HTTP, no authentication), with {@code KUBECONFIG} naming the kubeconfig
     * each wrote. Each mode is a container of the runner's cases; the reports and the output go to
     * {@code tests/target/<client>-client/}. {@code command} is given the report's path.
     */
    public static Stream<DynamicNode> againstAllInOne(String client, java.util.function.Function<Path, List<String>> command,
                                                      Map<String, String> env, Path workDir, Duration timeout, Set<Integer> testsRan) {
        return Stream.of(false, true).map(insecure -> DynamicContainer.dynamicContainer(modeName(insecure),
                // flatMap: each mode runs when JUnit reaches its container, and a failed one does not stop the other
                Stream.of(insecure).flatMap(mode -> {
                    try {
                        return againstAllInOne(client, mode, command, env, workDir, timeout, testsRan);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                })));
    }

    private static Stream<DynamicTest> againstAllInOne(String client, boolean insecure, java.util.function.Function<Path, List<String>> command,
                                                       Map<String, String> env, Path workDir, Duration timeout, Set<Integer> testsRan)
            throws IOException, InterruptedException {
        String mode = insecure ? "plain" : "tls";
        Path xml = target(client).resolve(client + "-" + mode + ".xml");
        Result result;
        try (io.coxswain.tests.cluster.LocalCoxswain cluster = allInOne(client, insecure)) {
            Map<String, String> all = new java.util.HashMap<>(env);
            all.put("KUBECONFIG", cluster.kubeconfig().toString());
            result = run(client + " client, " + modeName(insecure), command.apply(xml), all, workDir, xml, timeout, testsRan);
        }
        System.out.println(result.summary());
        return result.dynamicTests();
    }

    public static String modeName(boolean insecureLoopback) {
        return insecureLoopback ? "plain HTTP (--insecure-loopback)" : "TLS (default)";
    }

    /**
     * An all-in-one of a client's own, started by {@code ./coxswain up} (with {@code --insecure-loopback} when
     * {@code insecure}), its data directory under {@code tests/target/<client>-client/} and its node named after the
     * client and the mode.
     */
    public static io.coxswain.tests.cluster.LocalCoxswain allInOne(String client, boolean insecure) throws IOException, InterruptedException {
        String mode = insecure ? "plain" : "tls";
        Path dir = Files.createTempDirectory(target(client), mode + "-");
        String node = client + "-" + mode + "-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        return io.coxswain.tests.cluster.LocalCoxswain.up(dir.resolve("data"), node, Duration.ofMinutes(5), insecure);
    }

    private static Path target(String client) throws IOException {
        return Files.createDirectories(io.coxswain.tests.SharedFiles.projectRoot().resolve("tests/target/" + client + "-client"));
    }

    /** The cases of a JUnit XML report ({@code <testsuites>} or a single {@code <testsuite>}). */
    public static List<Case> parse(Path junitXml) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = factory.newDocumentBuilder().parse(junitXml.toFile());
        } catch (Exception e) {
            throw new IOException("cannot read the JUnit XML report " + junitXml + ": " + e.getMessage(), e);
        }
        List<Case> cases = new ArrayList<>();
        NodeList testcases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < testcases.getLength(); i++) {
            Element tc = (Element) testcases.item(i);
            StringBuilder failure = new StringBuilder();
            boolean skipped = false;
            NodeList children = tc.getChildNodes();
            for (int j = 0; j < children.getLength(); j++) {
                if (!(children.item(j) instanceof Element child)) {
                    continue;
                }
                switch (child.getTagName()) {
                    case "failure", "error" -> {
                        if (!failure.isEmpty()) {
                            failure.append("\n\n");
                        }
                        String message = child.getAttribute("message");
                        failure.append(child.getTagName()).append(": ").append(message);
                        String text = child.getTextContent().strip();
                        if (!text.isEmpty() && !text.equals(message)) {
                            failure.append('\n').append(text);
                        }
                    }
                    case "skipped" -> skipped = true;
                    default -> {
                    }
                }
            }
            String time = tc.getAttribute("time");
            cases.add(new Case(tc.getAttribute("classname"), tc.getAttribute("name"),
                    failure.isEmpty() ? null : failure.toString(), skipped, time.isEmpty() ? 0 : Double.parseDouble(time)));
        }
        return cases;
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }
}
