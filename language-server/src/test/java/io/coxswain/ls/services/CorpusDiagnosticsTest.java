package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.TextEdit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every valid manifest of ../shared/corpus/real, opened together as one workspace, gets no error and no warning.
 * The exceptions are the documents Kubernetes itself rejects, as the schemas' CorpusValidationTest lists them.
 */
class CorpusDiagnosticsTest {

    private static final Set<String> KNOWN_INVALID = Set.of(
            "content__en__examples__pods__probe__grpc-liveness.yaml",
            "content__en__examples__pods__pod-with-numeric-toleration.yaml",
            "_archived__volumes__storageos__storageos-pod.yaml");

    /** The shared folder as the build passes it (see tests/.../SharedFiles.java), or ../shared beside the checkout. */
    static Path corpus() {
        Path root = Path.of(System.getProperty("coxswain.root", "..")).toAbsolutePath().normalize();
        Path shared = Path.of(System.getProperty("coxswain.shared", root.resolve("../shared").toString())).toAbsolutePath().normalize();
        boolean present = Files.isDirectory(shared.resolve("corpus"));
        if (!present) {
            System.out.println("SKIPPED: ../shared/corpus is absent");
        }
        Assumptions.assumeTrue(present, "../shared/corpus is absent");
        return shared.resolve("corpus");
    }

    /** Opens every YAML file of the folder in the service's workspace. */
    private static List<ManifestDocument> openAll(ManifestLanguageService service, Path folder) throws IOException {
        List<ManifestDocument> documents = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                ManifestDocument document = ManifestDocument.of(file.toUri().toString(), 1, Files.readString(file));
                service.workspace().put(document);
                documents.add(document);
            }
        }
        return documents;
    }

    private static List<Diagnostic> errorsAndWarnings(ManifestLanguageService service, ManifestDocument document) {
        return service.diagnostics(document).stream()
                .filter(d -> d.getSeverity() == DiagnosticSeverity.Error || d.getSeverity() == DiagnosticSeverity.Warning)
                .toList();
    }

    @Test
    void otherKindsGetAHintEachAndNoOtherProblems() throws IOException {
        ManifestLanguageService service = ManifestAssert.service();
        List<ManifestDocument> documents = openAll(service, corpus().resolve("other-kinds"));
        int hints = 0;
        for (ManifestDocument document : documents) {
            // A removed apiVersion of a kind we know (CronJob in batch/v1beta1) is an error with a fix; nothing else is.
            assertThat(errorsAndWarnings(service, document)).as(document.uri())
                    .allSatisfy(d -> assertThat(d.getCode().getLeft()).isEqualTo("UNKNOWN_KIND"));
            hints += (int) service.diagnostics(document).stream().filter(d -> d.getSeverity() == DiagnosticSeverity.Information).count();
        }
        System.out.printf("corpus/other-kinds in the language server: %d files, %d hints, no other problems%n",
                documents.size(), hints);
        assertThat(hints).isPositive();
    }

    @Test
    void upstreamInvalidFilesGetAnError() throws IOException {
        ManifestLanguageService service = ManifestAssert.service();
        List<ManifestDocument> documents = openAll(service, corpus().resolve("invalid-upstream"));
        for (ManifestDocument document : documents) {
            assertThat(service.diagnostics(document)).as(document.uri())
                    .anySatisfy(d -> assertThat(d.getSeverity()).isEqualTo(DiagnosticSeverity.Error));
        }
        assertThat(documents).isNotEmpty();
    }

    @Test
    void realManifestsHaveNoErrorsOrWarnings() throws IOException {
        Path real = corpus().resolve("real");
        ManifestLanguageService service = ManifestAssert.service();
        List<ManifestDocument> documents = openAll(service, real);
        List<String> unexpected = new ArrayList<>();
        int knownInvalidReported = 0;
        for (ManifestDocument document : documents) {
            List<Diagnostic> found = errorsAndWarnings(service, document);
            String name = document.uri().substring(document.uri().lastIndexOf('/') + 1);
            if (KNOWN_INVALID.contains(name)) {
                assertThat(found).as(name + " is known to be invalid").isNotEmpty();
                knownInvalidReported++;
                continue;
            }
            found.forEach(d -> unexpected.add(name + " " + ManifestAssert.at(d) + " " + ManifestAssert.message(d)));
        }
        System.out.printf("corpus/real in the language server: %d files, %d known-invalid reported, %d unexpected problems%n",
                documents.size(), knownInvalidReported, unexpected.size());
        unexpected.forEach(u -> System.out.println("  " + u));
        assertThat(documents.size()).isGreaterThan(50);
        assertThat(unexpected).isEmpty();
    }

    @Test
    void formattingKeepsTheContentOfEveryRealManifest() throws IOException {
        ManifestLanguageService service = ManifestAssert.service();
        List<ManifestDocument> documents = openAll(service, corpus().resolve("real"));
        int changed = 0;
        for (ManifestDocument document : documents) {
            List<TextEdit> edits = service.formatting(document);
            String formatted = FeaturesTest.applyLineEdits(document.text(), edits);
            ManifestDocument after = ManifestDocument.of(document.uri(), 2, formatted);
            assertThat(after.sections()).as(document.uri()).hasSameSizeAs(document.sections());
            for (int i = 0; i < after.sections().size(); i++) {
                assertThat(after.sections().get(i).parse().content()).as(document.uri() + " document " + i)
                        .isEqualTo(document.sections().get(i).parse().content());
            }
            assertThat(service.formatting(after)).as(document.uri() + " formatted twice").isEmpty();
            changed += edits.isEmpty() ? 0 : 1;
        }
        System.out.printf("corpus/real formatted: %d files, %d re-indented or trimmed, content unchanged in all%n",
                documents.size(), changed);
    }
}
