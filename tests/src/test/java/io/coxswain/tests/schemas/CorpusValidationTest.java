package io.coxswain.tests.schemas;

import io.coxswain.schemas.ManifestReader;
import io.coxswain.schemas.ManifestValidator;
import io.coxswain.schemas.ProblemCategory;
import io.coxswain.schemas.ValidationProblem;
import io.coxswain.schemas.ValidationReport;
import io.coxswain.tests.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Public manifests written by others, read in place from ../shared/corpus. A problem reported on
 * corpus/real is a bug in our schemas, unless the manifest really is invalid for Kubernetes 1.32; then it
 * is named below with the reason.
 */
class CorpusValidationTest {

    /** Documents in corpus/real that Kubernetes 1.32 itself rejects: file name → the pointer we must report and why. */
    private static final Map<String, List<String>> KNOWN_INVALID = Map.of(
            // Probe's field is "grpc"; decoding is case-sensitive, so "gRPC" is unknown and the probe has no handler.
            "content__en__examples__pods__probe__grpc-liveness.yaml", List.of("/spec/containers/0/livenessProbe/gRPC"),
            // The Gt and Lt toleration operators arrived after 1.32, which accepts only Exists and Equal.
            "content__en__examples__pods__pod-with-numeric-toleration.yaml", List.of("/spec/tolerations/0/operator"),
            // StorageOSVolumeSource never had a "pool" field; strict decoding rejects it.
            "_archived__volumes__storageos__storageos-pod.yaml", List.of("/spec/volumes/0/storageos/pool"));

    private final ManifestValidator validator = ManifestValidator.standard();

    private static Path corpus() {
        var shared = SharedFiles.shared();
        if (shared.isEmpty()) {
            System.out.println("SKIPPED: ../shared/corpus is absent in this checkout, so the corpus tests did not run.");
        }
        Assumptions.assumeTrue(shared.isPresent(), "../shared/corpus is absent; corpus tests skipped");
        return shared.get().resolve("corpus");
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void everyRealManifestValidates() throws IOException {
        Path real = corpus().resolve("real");
        int files = 0;
        int documents = 0;
        Map<String, List<ValidationProblem>> failures = new TreeMap<>();
        for (Path file : yamlFiles(real)) {
            files++;
            for (ManifestReader.Document doc : ManifestReader.read(Files.readString(file))) {
                if (doc.content().isNull() || doc.content().isEmpty()) {
                    continue;
                }
                documents++;
                ValidationReport report = validator.validate(doc.content());
                if (!report.valid()) {
                    failures.put(real.relativize(file) + "#" + doc.index(), report.problems());
                }
            }
        }
        int errors = failures.values().stream().mapToInt(List::size).sum();
        System.out.printf("corpus/real: %d files, %d documents, %d errors in %d documents%n", files, documents, errors,
                failures.size());
        failures.forEach((where, problems) -> problems.forEach(p -> System.out.println("  " + where + " " + p)));
        List<String> unexpected = new ArrayList<>();
        failures.forEach((where, problems) -> {
            String file = where.substring(where.lastIndexOf('/') + 1, where.indexOf('#'));
            List<String> allowed = KNOWN_INVALID.getOrDefault(file, List.of());
            problems.stream().filter(p -> !allowed.contains(p.pointer())).forEach(p -> unexpected.add(where + " " + p));
        });
        assertThat(documents).isGreaterThan(100);
        assertThat(unexpected).as("problems reported on valid public manifests").isEmpty();
    }

    @Test
    void upstreamInvalidFilesGetAClearError() throws IOException {
        Path invalid = corpus().resolve("invalid-upstream");
        int files = 0;
        for (Path file : yamlFiles(invalid)) {
            files++;
            List<String> errors = new ArrayList<>();
            try {
                for (ManifestReader.Document doc : ManifestReader.read(Files.readString(file))) {
                    validator.validate(doc.content()).problems().forEach(p -> errors.add(p.toString()));
                }
            } catch (ManifestReader.ManifestReadException e) {
                assertThat(e.line()).as("a parse error names its line").isPositive();
                errors.add(e.getMessage());
            }
            System.out.println("  invalid-upstream " + file.getFileName() + ": " + errors);
            assertThat(errors).as(file.getFileName().toString()).isNotEmpty();
        }
        System.out.printf("corpus/invalid-upstream: %d files, each with a clear error%n", files);
        assertThat(files).isPositive();
    }

    @Test
    void otherKindsAreReportedAsUnknownAndNothingCrashes() throws IOException {
        Path other = corpus().resolve("other-kinds");
        int documents = 0;
        int unknown = 0;
        int supported = 0;
        List<String> supportedProblems = new ArrayList<>();
        for (Path file : yamlFiles(other)) {
            for (ManifestReader.Document doc : ManifestReader.read(Files.readString(file))) {
                if (doc.content().isNull() || doc.content().isEmpty()) {
                    continue;
                }
                documents++;
                ValidationReport report = validator.validate(doc.content());
                if (report.unknownKind()) {
                    unknown++;
                    assertThat(report.problems()).singleElement()
                            .extracting(ValidationProblem::category).isEqualTo(ProblemCategory.UNKNOWN_KIND);
                } else {
                    supported++;
                    report.problems().forEach(p -> supportedProblems.add(other.relativize(file) + " " + p));
                }
            }
        }
        System.out.printf("corpus/other-kinds: %d documents, %d reported as unknown kinds, %d of supported kinds with %d problems%n",
                documents, unknown, supported, supportedProblems.size());
        supportedProblems.forEach(p -> System.out.println("  " + p));
        assertThat(unknown).isPositive();
        assertThat(supportedProblems).as("documents of supported kinds beside the others").isEmpty();
    }

    /** The kinds that applications need beside their workloads (issue 18): known to the schemas, no false positives. */
    @Test
    void secretsServiceAccountsAndEndpointSlicesOfTheCorpusValidate() throws IOException {
        java.util.Set<String> kinds = java.util.Set.of("Secret", "ServiceAccount", "EndpointSlice");
        Map<String, Integer> seen = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String dir : List.of("real", "other-kinds", "kyaml")) {
            Path root = corpus().resolve(dir);
            for (Path file : yamlFiles(root)) {
                for (ManifestReader.Document doc : ManifestReader.read(Files.readString(file))) {
                    String kind = doc.content().path("kind").asText("").trim();
                    if (!kinds.contains(kind)) {
                        continue;
                    }
                    seen.merge(kind, 1, Integer::sum);
                    ValidationReport report = validator.validate(doc.content());
                    assertThat(report.unknownKind()).as(kind + " is a kind the schemas know").isFalse();
                    report.problems().forEach(p -> problems.add(dir + "/" + root.relativize(file) + " " + p));
                }
            }
        }
        System.out.printf("corpus: issue 18's kinds %s, %d problems%n", seen, problems.size());
        problems.forEach(p -> System.out.println("  " + p));
        assertThat(seen).containsKey("ServiceAccount");
        assertThat(problems).as("problems reported on valid public manifests of these kinds").isEmpty();
    }

    @Test
    void flowStyleRenderingsValidateToo() throws IOException {
        Path kyaml = corpus().resolve("kyaml");
        int documents = 0;
        for (Path file : yamlFiles(kyaml)) {
            for (ManifestReader.Document doc : ManifestReader.read(Files.readString(file))) {
                documents++;
                assertThat(validator.validate(doc.content()).problems()).as(file.getFileName().toString()).isEmpty();
            }
        }
        System.out.printf("corpus/kyaml: %d documents, all valid%n", documents);
        assertThat(documents).isPositive();
    }
}
