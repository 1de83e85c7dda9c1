package io.coxswain.tests.schemas;

import io.coxswain.schemas.ManifestReader;
import io.coxswain.schemas.ManifestValidator;
import io.coxswain.schemas.ValidationProblem;
import io.coxswain.schemas.ValidationReport;
import io.coxswain.tests.SharedFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The manifests under examples/ are what a newcomer applies first, so each must parse and every document
 * must validate with no problem at all; together they show every workload kind we run.
 */
class ExamplesValidateTest {

    private static final Set<String> REQUIRED_KINDS = Set.of("Pod", "Service", "ReplicaSet", "Deployment", "Job", "CronJob");

    private final ManifestValidator validator = ManifestValidator.standard();

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void everyExampleParsesAndValidatesWithoutProblems() throws IOException {
        Path examples = SharedFiles.projectRoot().resolve("examples");
        assertThat(examples).as("the examples folder at the project root").isDirectory();
        List<Path> files = yamlFiles(examples);
        assertThat(files).as("YAML files under " + examples).isNotEmpty();

        int documents = 0;
        int maxDocumentsInOneFile = 0;
        Set<String> kinds = new TreeSet<>();
        Map<String, List<ValidationProblem>> failures = new TreeMap<>();
        for (Path file : files) {
            String name = examples.relativize(file).toString();
            List<ManifestReader.Document> docs;
            try {
                docs = ManifestReader.read(Files.readString(file));
            } catch (ManifestReader.ManifestReadException e) {
                fail(name + " does not parse: " + e.getMessage(), e);
                return;
            }
            assertThat(docs).as(name + " has documents").isNotEmpty();
            maxDocumentsInOneFile = Math.max(maxDocumentsInOneFile, docs.size());
            for (ManifestReader.Document doc : docs) {
                documents++;
                assertThat(doc.content().isObject()).as(name + "#" + doc.index() + " is a mapping").isTrue();
                kinds.add(doc.content().path("kind").asText());
                ValidationReport report = validator.validate(doc.content());
                if (!report.problems().isEmpty()) {
                    failures.put(name + "#" + doc.index() + " (line " + doc.line() + ")", report.problems());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        failures.forEach((where, list) -> list.forEach(p -> problems.add(where + " " + p)));
        problems.forEach(p -> System.out.println("  " + p));
        System.out.printf("examples: %d files, %d documents, %d problems%n", files.size(), documents, problems.size());

        assertThat(problems).as("problems in examples/").isEmpty();
        assertThat(kinds).as("kinds across examples/").containsAll(REQUIRED_KINDS);
        assertThat(maxDocumentsInOneFile).as("at least one example holds several documents").isGreaterThan(1);
    }
}
